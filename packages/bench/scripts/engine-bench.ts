/**
 * `npm run bench:engine`: events per second of the engine on the classic hold model (10k
 * pending events; pop one, schedule one at t + Exp(1)), next to the raw enqueue+dequeue rate of
 * the same priority queue on the same workload, measured in this one run; and OU price samples
 * per second.
 */

import { PriorityQueue } from '@datastructures-js/priority-queue';
import { createRng, Engine, ouPricePath } from '@synkti/sim-core';
import { alternatingMedians, medianMs } from './measure.js';

const PENDING = 10_000;
const OPERATIONS = 1_000_000;
const REPEATS = 5;
const SEED = 'bench-engine';

function engineHold(): number {
  const rng = createRng(SEED, 'hold');
  const engine = new Engine();
  let remaining = OPERATIONS;
  const hold = (e: Engine): void => {
    if (--remaining > 0) e.schedule(rng.exponential(1), hold);
  };
  for (let k = 0; k < PENDING; k++) engine.schedule(rng.exponential(1), hold);
  // Run until OPERATIONS events have fired (the initial ones drain afterwards, uncounted).
  while (engine.eventsFired < OPERATIONS && engine.step()) {}
  return engine.eventsFired;
}

interface RawEvent {
  time: number;
  priority: number;
  sequence: number;
}

function rawHold(): number {
  const rng = createRng(SEED, 'hold');
  const queue = new PriorityQueue<RawEvent>(
    (a, b) => a.time - b.time || a.priority - b.priority || a.sequence - b.sequence,
  );
  let sequence = 0;
  for (let k = 0; k < PENDING; k++) {
    queue.enqueue({ time: rng.exponential(1), priority: 0, sequence: sequence++ });
  }
  let popped = 0;
  while (popped < OPERATIONS) {
    const e = queue.dequeue() as RawEvent;
    popped++;
    queue.enqueue({ time: e.time + rng.exponential(1), priority: 0, sequence: sequence++ });
  }
  return popped;
}

const { a: raw, b: eng } = alternatingMedians(REPEATS, rawHold, engineHold);
const rawRate = OPERATIONS / (raw.ms / 1000);
const engRate = OPERATIONS / (eng.ms / 1000);

const OU_STEPS = 2_000_000;
const ou = medianMs(REPEATS, () =>
  ouPricePath(
    { meanPerHour: 0.3, theta: 0.5, sigma: 0.2, floorPerHour: 0.1, capPerHour: 1 },
    300,
    OU_STEPS,
    createRng(SEED, 'ou'),
  ),
);

const fmt = (x: number) => `${(x / 1e6).toFixed(2)} M/s`;
console.log(`hold model: ${PENDING} pending, ${OPERATIONS} events, median of ${REPEATS}`);
console.log(`raw priority queue (push+pop): ${fmt(rawRate)}`);
console.log(`engine (schedule+fire):        ${fmt(engRate)}`);
console.log(`engine / raw queue:            ${(engRate / rawRate).toFixed(2)} (target >= 0.50)`);
console.log(`OU price samples:              ${fmt(OU_STEPS / (ou.ms / 1000))}`);
