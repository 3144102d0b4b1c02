/**
 * `npm run notebook`: executes examples/greedy-vs-optimal.ipynb in a real tslab kernel, as a
 * reader's Jupyter does — the built packages, resolved the way the kernel resolves them (not
 * the source aliases the tests use) — and fails unless every code cell ran without an error and
 * the chart was displayed. Needs Jupyter (Debian: jupyter-notebook, python3-nbconvert) and a
 * tslab kernel (docs/notebook.md); run `npm run build` first.
 */

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPOSITORY_ROOT } from '../src/scenario-file/traces-dir.js';

const PYTHON = process.env['JUPYTER_PYTHON'] ?? '/usr/bin/python3';
const notebook = path.join(REPOSITORY_ROOT, 'examples', 'greedy-vs-optimal.ipynb');
const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'synkti-notebook-')), 'executed.ipynb');
execFileSync(
  PYTHON,
  [
    '-m',
    'nbconvert',
    '--to',
    'notebook',
    '--execute',
    '--ExecutePreprocessor.kernel_name=tslab',
    '--ExecutePreprocessor.timeout=300',
    '--allow-errors',
    '--output',
    out,
    notebook,
  ],
  { cwd: path.dirname(notebook), stdio: ['ignore', 'inherit', 'inherit'] },
);

interface Output {
  output_type: string;
  ename?: string;
  evalue?: string;
  text?: string[];
  data?: Record<string, string[] | string>;
}
const executed = JSON.parse(readFileSync(out, 'utf8')) as {
  cells: { cell_type: string; outputs?: Output[] }[];
};
const code = executed.cells.filter((c) => c.cell_type === 'code');
const problems: string[] = [];
for (const [k, cell] of code.entries()) {
  for (const o of cell.outputs ?? []) {
    const text = [o.text ?? [], o.data?.['text/plain'] ?? []].flat().join('');
    if (o.output_type === 'error' || /Error|Cannot find module/.test(text)) {
      problems.push(`code cell ${k + 1}: ${o.ename ?? ''} ${o.evalue ?? ''} ${text}`.trim());
    }
  }
}
const html = code
  .flatMap((c) => c.outputs ?? [])
  .map((o) => [o.data?.['text/html'] ?? []].flat().join(''));
if (!html.some((h) => h.includes('<svg'))) problems.push('no chart (SVG) was displayed');
if (problems.length > 0) {
  process.stderr.write(`error: the notebook did not run cleanly:\n${problems.join('\n')}\n`);
  process.exit(1);
}
const printed = code
  .flatMap((c) => c.outputs ?? [])
  .map((o) => [o.text ?? [], o.data?.['text/plain'] ?? []].flat().join(''))
  .filter((t) => t.length > 0);
process.stdout.write(
  `the notebook ran in tslab: ${code.length} code cells, a chart displayed\n${printed.join('\n')}\n`,
);
