import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  REPOSITORY_ROOT,
  resolveTracesDir,
  traceFile,
} from '../../src/scenario-file/traces-dir.js';

describe('resolveTracesDir', () => {
  it('prefers --traces-dir, then SYNKTI_TRACES_DIR, then the default beside the repository', () => {
    expect(resolveTracesDir('/a', { SYNKTI_TRACES_DIR: '/b' })).toEqual({
      dir: '/a',
      from: '--traces-dir',
    });
    expect(resolveTracesDir(undefined, { SYNKTI_TRACES_DIR: '/b' })).toEqual({
      dir: '/b',
      from: 'SYNKTI_TRACES_DIR',
    });
    expect(resolveTracesDir(undefined, {})).toEqual({
      dir: path.resolve(REPOSITORY_ROOT, '../shared/data/spot-traces'),
      from: 'default',
    });
  });

  it('a missing trace names the file, the directory, where it came from, and the fix', () => {
    expect(() =>
      traceFile('nope.json', { dir: '/nowhere', from: 'SYNKTI_TRACES_DIR' }, 'scenarios/x.json'),
    ).toThrow(
      /scenarios\/x.json: trace "nope.json" not found in \/nowhere \(trace directory from SYNKTI_TRACES_DIR\)\. Clone/,
    );
  });
});
