/** How numbers are written in every CSV and table: never NaN, never Infinity. */

/** Formats a number for CSV: 12 significant digits, empty when undefined or not finite. */
export function formatNumber(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '';
  return String(Number(x.toPrecision(12)));
}

/** Formats a swept parameter: numbers as {@link formatNumber}, strings as they are. */
export function formatParam(x: number | string | undefined): string {
  if (typeof x === 'string') return x;
  return formatNumber(x);
}
