/**
 * What a task prints on stdout and stderr, other than the agent's `SYNKTI_` protocol lines, kept
 * by the agent until the orchestrator reads it (core/agents.ts keeps it in the store). Lines of
 * every run of one task id here are numbered on, so a reader resumes from the count it has.
 * At most {@link MAX_LOG_LINES} lines per task and {@link MAX_LINE_CHARS} characters per line
 * are kept; beyond that a task's lines are dropped and one line says how many.
 */

/** Lines kept per task. */
export const MAX_LOG_LINES = 100_000;
/** Characters kept per line (the rest is cut, marked with "…"). */
export const MAX_LINE_CHARS = 4096;

/** See the file comment. */
export class TaskLogs {
  readonly #lines = new Map<string, string[]>();
  readonly #dropped = new Map<string, number>();

  /** Keeps one line of task `id`. */
  add(id: string, line: string): void {
    let lines = this.#lines.get(id);
    if (lines === undefined) {
      lines = [];
      this.#lines.set(id, lines);
    }
    if (lines.length >= MAX_LOG_LINES - 1) {
      const dropped = (this.#dropped.get(id) ?? 0) + 1;
      this.#dropped.set(id, dropped);
      lines[MAX_LOG_LINES - 1] = `[synkti agent: ${dropped} more lines dropped]`;
      return;
    }
    lines.push(line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}…` : line);
  }

  /** How many lines task `id` has. */
  count(id: string): number {
    return this.#lines.get(id)?.length ?? 0;
  }

  /** Task `id`'s lines from index `after`, at most `limit`. */
  read(id: string, after: number, limit: number): string[] {
    return (this.#lines.get(id) ?? []).slice(after, after + limit);
  }
}

/** Splits a stream's chunks into lines, each handed to `onLine` (a last partial line waits). */
export function lineSplitter(onLine: (line: string) => void): (chunk: unknown) => void {
  let rest = '';
  return (chunk) => {
    const lines = (rest + String(chunk)).split('\n');
    rest = lines.pop() as string;
    for (const l of lines) onLine(l.endsWith('\r') ? l.slice(0, -1) : l);
  };
}
