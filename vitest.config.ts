import { defineConfig } from 'vitest/config';

/**
 * One vitest run for every package. Tests live under `packages/<name>/test/`, mirroring `src/`.
 * The `@synkti/source` condition makes `import '@synkti/sim-core'` resolve to the TypeScript
 * sources, so tests never need a build.
 */
export default defineConfig({
  resolve: { conditions: ['@synkti/source'] },
  ssr: { resolve: { conditions: ['@synkti/source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
