import { defineConfig } from 'vitest/config';

/**
 * One vitest run for every package. Tests live under `packages/<name>/test/`, mirroring `src/`.
 * The `@synkti/source` condition makes `import '@synkti/sim-core'` resolve to the TypeScript
 * sources, so tests never need a build.
 *
 * Two files at a time, even on 2 cores (vitest's default there is one): about 350 s of the
 * suite is live mode's tests waiting on a clock that moves with the wall (the scaled clock,
 * the dashboard end to end, the kill tests), which can overlap with the CPU-bound tests. None
 * of them asserts a time; the scaled ones end when their jobs are final.
 */
export default defineConfig({
  resolve: { conditions: ['@synkti/source'] },
  ssr: { resolve: { conditions: ['@synkti/source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    maxWorkers: 2,
    // Many tests start CLI processes one after another (refusal lists, 1 vs 2 workers, shards):
    // 15-20 s alone, but on this 2-core VM beside another test file one process start took 24 s
    // and such tests passed 60 s (CI on 2026-12-01). A hang still shows within 3 minutes.
    testTimeout: 180_000,
    hookTimeout: 60_000,
  },
});
