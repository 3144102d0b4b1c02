/** Progress of a sweep: a bar with ETA on a terminal, a plain line every 10% otherwise. */

import cliProgress from 'cli-progress';

/** A progress display: one tick per finished run. */
export interface Progress {
  tick(): void;
  stop(): void;
}

/** A bar on a terminal (stderr), plain lines every 10% otherwise; `total` runs. */
export function createProgress(total: number, label: string): Progress {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {value}/{total} runs | {percentage}% | ETA {eta_formatted}`,
        stream: process.stderr,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0);
    return { tick: () => bar.increment(), stop: () => bar.stop() };
  }
  let done = 0;
  let nextReport = 0.1;
  const start = Date.now();
  return {
    tick() {
      done++;
      if (done / total >= nextReport || done === total) {
        const elapsed = (Date.now() - start) / 1000;
        const eta = done === total ? 0 : (elapsed / done) * (total - done);
        process.stderr.write(
          `${label}: ${done}/${total} runs (${Math.round((100 * done) / total)}%), ETA ${eta.toFixed(0)} s\n`,
        );
        while (nextReport <= done / total) nextReport += 0.1;
      }
    },
    stop() {},
  };
}
