/** Renders Vega-Lite specs to SVG on the server (no browser, no network, no hand-drawn SVG). */

import type { TopLevelSpec } from 'vega-lite';

/**
 * Compiles a Vega-Lite spec and renders it headlessly to an SVG string. vega and vega-lite are
 * imported on first use: vega's canvas module has a top-level await, and importing it with the
 * package would make `@synkti/bench` impossible to `require()` (a notebook kernel such as tslab
 * loads packages that way).
 */
export async function toSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
