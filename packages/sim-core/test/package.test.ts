import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PACKAGE = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const ROOT = path.resolve(PACKAGE, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sourceFiles(path.join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [path.join(dir, e.name)]
        : [],
  );
}

describe('@synkti/sim-core as a package', () => {
  it('imports nothing Node-only (it must run in a browser or a worker)', () => {
    const nodeOnly = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const offenders: string[] = [];
    for (const file of sourceFiles(path.join(PACKAGE, 'src'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
        const spec = m[1] as string;
        if (nodeOnly.has(spec) || spec.startsWith('node:'))
          offenders.push(`${path.relative(PACKAGE, file)}: ${spec}`);
      }
      if (
        /\bprocess\.(env|argv|exit|cwd|platform|stdout|stderr|hrtime)\b|\bBuffer\.|\brequire\(/.test(
          text,
        )
      )
        offenders.push(`${path.relative(PACKAGE, file)}: Node global`);
    }
    expect(offenders).toEqual([]);
  });

  it('packs, installs into an empty folder, and runs simulate() from plain node', () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'synkti-pack-'));
    const npm = (args: string[], cwd: string) =>
      execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: 'pipe' });
    npm(['run', 'build', '-w', '@synkti/sim-core'], ROOT);
    npm(['pack', '-w', '@synkti/sim-core', '--pack-destination', tmp], ROOT);
    const app = path.join(tmp, 'app');
    mkdirSync(app);
    writeFileSync(
      path.join(app, 'package.json'),
      JSON.stringify({ name: 'app', private: true, type: 'module' }),
    );
    npm(
      ['install', '--prefer-offline', '--no-audit', '--no-fund', '../synkti-sim-core-0.1.0.tgz'],
      app,
    );
    writeFileSync(
      path.join(app, 'main.js'),
      `import { simulate, solveAssignment } from '@synkti/sim-core';
const policy = { name: 'spot', decide: (v) => ({
  launches: v.pendingTasks().map(() => ({ instanceType: 'gpu', market: 'spot' })),
  placements: v.pendingTasks().map((t, k) => ({ taskId: t.id, launchIndex: k })) }) };
const r = simulate({ horizonHours: 10, instanceTypes: [{ name: 'gpu', gpuMemoryMb: 24000, networkGbps: 10,
  onDemandPerHour: 1, preemption: { kind: 'poisson', ratePerHour: 0 } }],
  workload: { tasks: [{ workSeconds: 3600, memoryMb: 1000, stateMb: 10 }] } },
  { policy, migration: 'optimal', seed: 1 });
console.log(JSON.stringify({ completed: r.tasksCompleted, cost: r.totalCostUsd,
  optimum: solveAssignment([[10, 2, 8], [3, 7, 4], [6, 5, 9]]).totalCost }));
`,
    );
    const out = execFileSync(process.execPath, ['main.js'], { cwd: app, encoding: 'utf8' });
    // 90 s boot + 3600 s of work at the default spot price, 30% of $1/h.
    expect(JSON.parse(out)).toEqual({ completed: 1, cost: (3690 * 0.3) / 3600, optimum: 12 });
  });
});

describe("the README's library snippet", () => {
  it('runs as written, from the two packed packages, in an empty project', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Using the library'));
    const snippet = /```js\n([\s\S]*?)```/.exec(section)?.[1];
    expect(snippet).toBeDefined();
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'synkti-readme-'));
    const npm = (args: string[], cwd: string) =>
      execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: 'pipe' });
    npm(['run', 'build', '-w', '@synkti/sim-core', '-w', '@synkti/policies'], ROOT);
    npm(
      ['pack', '-w', '@synkti/sim-core', '-w', '@synkti/policies', '--pack-destination', tmp],
      ROOT,
    );
    const app = path.join(tmp, 'app');
    mkdirSync(app);
    writeFileSync(
      path.join(app, 'package.json'),
      JSON.stringify({ name: 'app', private: true, type: 'module' }),
    );
    npm(
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '../synkti-sim-core-0.1.0.tgz',
        '../synkti-policies-0.1.0.tgz',
      ],
      app,
    );
    writeFileSync(path.join(app, 'main.js'), snippet as string);
    const out = execFileSync(process.execPath, ['main.js'], { cwd: app, encoding: 'utf8' });
    expect(out).toMatch(/^cost \$\d+\.\d\d, 1 of 1 done\n$/);
  });
});
