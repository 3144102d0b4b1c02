/**
 * The demo workload of live mode: a small, real training loop that follows the task contract
 * (docs/live.md). Logistic regression by minibatch SGD on a seeded synthetic data set; every
 * random draw comes from a named stream (the data from `demo/data`, step k's minibatch from
 * `demo/batch/<k>`), so a step depends only on the weights before it and its index, and a run
 * resumed from a checkpoint is bit-for-bit the run that was never interrupted.
 *
 * The contract, as a task sees it:
 * - `SYNKTI_RESUME_FROM`: a checkpoint file to resume from (empty or unset: a fresh start);
 * - `SYNKTI_CHECKPOINT_DIR`: where to write checkpoints (default: the working directory);
 * - on SIGUSR1 (an interruption notice), it writes a checkpoint after the current step and says
 *   `SYNKTI_CHECKPOINT <file>` on stdout, then goes on until it is stopped;
 * - every step it says `SYNKTI_PROGRESS <work-seconds>` (steps × `--seconds-per-step`);
 * - at the end it says `SYNKTI_RESULT <sha256 of the weights>` and exits 0.
 *
 * Usage: node demo-train.js [--steps N] [--seed S] [--seconds-per-step X] [--checkpoint-every K]
 *   [--step-ms M] (wall milliseconds per step at least: a paced run, for demos and tests)
 */

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRng } from '@synkti/sim-core';

/** The model's size and the data set. */
export const FEATURES = 16;
export const SAMPLES = 1024;
export const BATCH = 32;
/** SGD step size. */
export const LEARNING_RATE = 0.1;

/** A training run's full state: enough to go on exactly where it stopped. */
export interface TrainState {
  readonly seed: string;
  /** Steps done. */
  step: number;
  /** Weights and bias (last entry), float64. */
  readonly weights: Float64Array;
}

/** The seeded data set: features x and labels y from a hidden linear rule with noise. */
export function dataset(seed: string): { x: Float64Array; y: Uint8Array } {
  const rng = createRng(seed, 'demo/data');
  const truth = Array.from({ length: FEATURES }, () => rng.normal());
  const x = new Float64Array(SAMPLES * FEATURES);
  const y = new Uint8Array(SAMPLES);
  for (let i = 0; i < SAMPLES; i++) {
    let z = 0;
    for (let j = 0; j < FEATURES; j++) {
      const v = rng.normal();
      x[i * FEATURES + j] = v;
      z += v * (truth[j] as number);
    }
    y[i] = z + 0.5 * rng.normal() > 0 ? 1 : 0;
  }
  return { x, y };
}

/** A fresh run. */
export function initialState(seed: string): TrainState {
  return { seed, step: 0, weights: new Float64Array(FEATURES + 1) };
}

/** One SGD step on the minibatch of `state.step`, in place. */
export function trainStep(state: TrainState, data: { x: Float64Array; y: Uint8Array }): void {
  const rng = createRng(state.seed, `demo/batch/${state.step}`);
  const w = state.weights;
  const grad = new Float64Array(FEATURES + 1);
  for (let b = 0; b < BATCH; b++) {
    const i = Math.floor(rng.next() * SAMPLES);
    let z = w[FEATURES] as number;
    for (let j = 0; j < FEATURES; j++) z += (w[j] as number) * (data.x[i * FEATURES + j] as number);
    const err = 1 / (1 + Math.exp(-z)) - (data.y[i] as number);
    for (let j = 0; j < FEATURES; j++)
      grad[j] = (grad[j] as number) + err * (data.x[i * FEATURES + j] as number);
    grad[FEATURES] = (grad[FEATURES] as number) + err;
  }
  for (let j = 0; j <= FEATURES; j++)
    w[j] = (w[j] as number) - (LEARNING_RATE * (grad[j] as number)) / BATCH;
  state.step++;
}

/** The checkpoint text of `state`: the weights' exact bytes in base64. */
export function checkpointText(state: TrainState): string {
  const bytes = Buffer.from(
    state.weights.buffer,
    state.weights.byteOffset,
    state.weights.byteLength,
  );
  return `${JSON.stringify({ seed: state.seed, step: state.step, weights: bytes.toString('base64') })}\n`;
}

/** The state a checkpoint text holds. */
export function fromCheckpoint(text: string): TrainState {
  const doc = JSON.parse(text) as { seed: string; step: number; weights: string };
  const bytes = Buffer.from(doc.weights, 'base64');
  const weights = new Float64Array(FEATURES + 1);
  Buffer.from(weights.buffer).set(bytes);
  return { seed: doc.seed, step: doc.step, weights };
}

/** Share of the data set the model classifies right. */
export function accuracy(state: TrainState, data: { x: Float64Array; y: Uint8Array }): number {
  const w = state.weights;
  let right = 0;
  for (let i = 0; i < SAMPLES; i++) {
    let z = w[FEATURES] as number;
    for (let j = 0; j < FEATURES; j++) z += (w[j] as number) * (data.x[i * FEATURES + j] as number);
    if ((z > 0 ? 1 : 0) === data.y[i]) right++;
  }
  return right / SAMPLES;
}

/** sha256 of the weights' bytes: equal hashes, bit-identical models. */
export function weightsHash(state: TrainState): string {
  return createHash('sha256')
    .update(Buffer.from(state.weights.buffer, state.weights.byteOffset, state.weights.byteLength))
    .digest('hex');
}

function option(args: readonly string[], name: string, fallback: string): string {
  const k = args.indexOf(`--${name}`);
  return k >= 0 && args[k + 1] !== undefined ? (args[k + 1] as string) : fallback;
}

/** The command: trains, checkpointing on SIGUSR1 and every `--checkpoint-every` steps. */
export async function main(args: readonly string[]): Promise<number> {
  const steps = Number(option(args, 'steps', '2000'));
  const seed = option(args, 'seed', '1');
  const secondsPerStep = Number(option(args, 'seconds-per-step', '1'));
  const every = Number(option(args, 'checkpoint-every', '0'));
  const stepMs = Number(option(args, 'step-ms', '0'));
  const dir = process.env['SYNKTI_CHECKPOINT_DIR'] || process.cwd();
  const resume = process.env['SYNKTI_RESUME_FROM'];
  const state = resume ? fromCheckpoint(readFileSync(resume, 'utf8')) : initialState(seed);
  const data = dataset(state.seed);
  let noticed = false;
  process.on('SIGUSR1', () => {
    noticed = true;
  });
  const save = (): string => {
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `checkpoint-${state.step}.json`);
    writeFileSync(file, checkpointText(state));
    process.stdout.write(`SYNKTI_CHECKPOINT ${file}\n`);
    return file;
  };
  while (state.step < steps) {
    trainStep(state, data);
    process.stdout.write(`SYNKTI_PROGRESS ${state.step * secondsPerStep}\n`);
    if (noticed || (every > 0 && state.step % every === 0)) {
      save();
      noticed = false;
    }
    // Let signals in between steps.
    if (stepMs > 0) await new Promise((r) => setTimeout(r, stepMs));
    else if (state.step % 16 === 0) await new Promise((r) => setImmediate(r));
  }
  process.stdout.write(`SYNKTI_RESULT ${weightsHash(state)}\n`);
  return 0;
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  process.exitCode = await main(process.argv.slice(2));
}
