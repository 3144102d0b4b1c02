import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/schema.js';
import { JOB_TRANSITIONS, TransitionError } from '../../src/store/states.js';
import { LiveStore } from '../../src/store/store.js';

const dir = () => mkdtempSync(path.join(os.tmpdir(), 'synkti-store-'));
const task = (id: string) => ({
  id,
  kind: 'batch',
  workSeconds: 3600,
  memoryMb: 1000,
  stateMb: 10,
  arrivalSeconds: 0,
  deadlineSeconds: undefined,
  checkpointIntervalSeconds: undefined,
});

describe('LiveStore', () => {
  it('opens in WAL mode with synchronous=FULL, at the latest schema version', () => {
    const store = new LiveStore(dir());
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(store.version).toBe(MIGRATIONS.length);
    store.close();
  });

  it('keeps jobs, instances and the journal across a reopen, and migrates only once', () => {
    const d = dir();
    const a = new LiveStore(d);
    a.insertJobs([task('j1'), task('j2')], 0);
    a.requestInstance('run-r0', 'gpu', 'spot', 5);
    a.transitionJob('j1', 'STARTING', 'placed', 5, { instance_token: 'run-r0' });
    a.close();
    const b = new LiveStore(d);
    expect(b.version).toBe(MIGRATIONS.length);
    expect(b.jobs().map((j) => [j.id, j.state, j.instance_token])).toEqual([
      ['j1', 'STARTING', 'run-r0'],
      ['j2', 'PENDING', null],
    ]);
    expect(b.instance('run-r0')?.state).toBe('REQUESTED');
    expect(b.journal().map((e) => `${e.id} ${e.from_state}->${e.to_state} ${e.reason}`)).toEqual([
      'j1 null->PENDING submitted',
      'j2 null->PENDING submitted',
      'run-r0 null->REQUESTED launch spot gpu',
      'j1 PENDING->STARTING placed',
    ]);
    b.close();
  });

  it('refuses a transition its state machine does not have, and changes nothing', () => {
    const store = new LiveStore(dir());
    store.insertJobs([task('j1')], 0);
    expect(() => store.transitionJob('j1', 'SUCCEEDED', 'skipped ahead', 1)).toThrow(
      new TransitionError('job', 'j1', 'PENDING', 'SUCCEEDED'),
    );
    expect(store.job('j1')?.state).toBe('PENDING');
    store.requestInstance('t0', 'gpu', 'on-demand', 0);
    store.transitionInstance('t0', 'FAILED', 'no capacity', 0);
    expect(() => store.transitionInstance('t0', 'RUNNING', 'late', 1)).toThrow(TransitionError);
    store.close();
  });

  it('final job states have no way out; every other state can fail or be cancelled', () => {
    for (const [state, next] of Object.entries(JOB_TRANSITIONS)) {
      if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(state)) expect(next).toEqual([]);
      else expect(next).toEqual(expect.arrayContaining(['FAILED', 'CANCELLED']));
    }
  });

  it('an idempotency token names one instance: a second intent with it is refused', () => {
    const store = new LiveStore(dir());
    store.requestInstance('t0', 'gpu', 'spot', 0);
    expect(() => store.requestInstance('t0', 'gpu', 'spot', 1)).toThrow(/UNIQUE|PRIMARY/);
    store.close();
  });
});
