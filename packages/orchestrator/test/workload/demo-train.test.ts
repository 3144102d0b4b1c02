import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  accuracy,
  checkpointText,
  dataset,
  fromCheckpoint,
  initialState,
  trainStep,
  weightsHash,
} from '../../src/workload/demo-train.js';

const SCRIPT = path.resolve(
  fileURLToPath(new URL('.', import.meta.url)),
  '../../src/workload/demo-train.ts',
);

describe('the demo training workload', () => {
  it('learns, and a run resumed from a checkpoint equals the uninterrupted one bit for bit', () => {
    const data = dataset('7');
    const straight = initialState('7');
    const before = accuracy(straight, data);
    for (let k = 0; k < 300; k++) trainStep(straight, data);
    expect(accuracy(straight, data)).toBeGreaterThan(0.85);
    expect(accuracy(straight, data)).toBeGreaterThan(before + 0.2);

    const first = initialState('7');
    for (let k = 0; k < 123; k++) trainStep(first, data);
    const resumed = fromCheckpoint(checkpointText(first));
    expect(resumed.step).toBe(123);
    for (let k = 123; k < 300; k++) trainStep(resumed, data);
    expect(weightsHash(resumed)).toBe(weightsHash(straight));
    // Another seed trains another model.
    const other = initialState('8');
    for (let k = 0; k < 300; k++) trainStep(other, dataset('8'));
    expect(weightsHash(other)).not.toBe(weightsHash(straight));
  });

  it('as a process: SIGUSR1 checkpoints, SIGKILL stops it, SYNKTI_RESUME_FROM finishes it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'synkti-train-'));
    const run = (
      env: Record<string, string>,
      onLine?: (line: string, kill: (s: NodeJS.Signals) => void) => void,
    ) =>
      new Promise<string[]>((resolve) => {
        const child = spawn(
          process.execPath,
          [
            '--conditions=@synkti/source',
            '--import',
            'tsx',
            SCRIPT,
            '--steps',
            '400',
            '--step-ms',
            '2',
          ],
          { env: { ...process.env, SYNKTI_CHECKPOINT_DIR: dir, ...env } },
        );
        const lines: string[] = [];
        let rest = '';
        child.stdout.on('data', (d) => {
          const parts = (rest + String(d)).split('\n');
          rest = parts.pop() as string;
          for (const line of parts) {
            lines.push(line);
            onLine?.(line, (s) => child.kill(s));
          }
        });
        child.on('exit', () => resolve(lines));
      });
    const uninterrupted = (await run({})).find((l) => l.startsWith('SYNKTI_RESULT'));
    expect(uninterrupted).toMatch(/^SYNKTI_RESULT [0-9a-f]{64}$/);

    let noticed = false;
    const interrupted = await run({}, (line, kill) => {
      if (!noticed && line === 'SYNKTI_PROGRESS 100') {
        noticed = true;
        kill('SIGUSR1');
      }
      if (line.startsWith('SYNKTI_CHECKPOINT ')) kill('SIGKILL');
    });
    expect(interrupted.some((l) => l.startsWith('SYNKTI_RESULT'))).toBe(false);
    const checkpoint = (
      interrupted.find((l) => l.startsWith('SYNKTI_CHECKPOINT ')) as string
    ).slice('SYNKTI_CHECKPOINT '.length);
    const resumed = await run({ SYNKTI_RESUME_FROM: checkpoint });
    expect(Number((resumed[0] as string).split(' ')[1])).toBeGreaterThan(100);
    expect(resumed.find((l) => l.startsWith('SYNKTI_RESULT'))).toBe(uninterrupted);
  });
});
