import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './fixtures/cli.js';

/**
 * The notebook needs a tslab kernel, which CI does not have; this runs its code cells as one
 * script instead (tslab's display replaced by a stub that records the HTML), so the notebook
 * cannot rot unnoticed.
 */
describe('examples/greedy-vs-optimal.ipynb', () => {
  it('its code cells run and display an SVG chart', () => {
    const nb = JSON.parse(
      readFileSync(path.join(ROOT, 'examples/greedy-vs-optimal.ipynb'), 'utf8'),
    ) as {
      cells: { cell_type: string; source: string[] }[];
    };
    const code = nb.cells
      .filter((c) => c.cell_type === 'code')
      .map((c) => c.source.join(''))
      .join('\n;\n')
      .replace(
        "import * as tslab from 'tslab';",
        "const tslab = { display: { html: (h: string) => console.log('HTML', h.length, h.slice(0, 4)) } };",
      );
    // The last expression of a cell is displayed by the kernel; print the paired difference.
    const script = code.replace(
      /^pairedDifference\(optimal, greedy\)$/m,
      'console.log(JSON.stringify(pairedDifference(optimal, greedy)));',
    );
    const dir = mkdtempSync(path.join(ROOT, 'examples', '.nb-'));
    const file = path.join(dir, 'notebook.ts');
    writeFileSync(file, `${script}\nexport {};\n`);
    let out: string;
    try {
      out = execFileSync(
        process.execPath,
        ['--conditions=@synkti/source', '--import', 'tsx', file],
        {
          cwd: ROOT,
          encoding: 'utf8',
        },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const diff = JSON.parse(out.split('\n').find((l) => l.startsWith('{')) as string) as {
      n: number;
    };
    expect(diff.n).toBe(20);
    expect(out).toMatch(/HTML \d+ <svg/);
  });
});
