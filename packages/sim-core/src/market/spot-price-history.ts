/**
 * Replay of recorded AWS spot prices: `aws ec2 describe-spot-price-history` JSON
 * (`{"SpotPriceHistory": [{AvailabilityZone, InstanceType, ProductDescription, SpotPrice,
 * Timestamp}, …]}`) or CSV with those column names. Prices are piecewise constant between
 * records. Parsing takes text, not a path: sim-core reads no files (the caller does).
 */

import { parse as parseCsv } from 'csv-parse/sync';
import type { PriceProcess } from './price-process.js';
import { syntaxErrorPlace } from './syntax-error.js';

/** One validated price record. */
export interface SpotPriceRecord {
  readonly availabilityZone: string;
  readonly instanceType: string;
  readonly productDescription: string;
  /** $/hour. */
  readonly pricePerHour: number;
  /** Unix time, seconds. */
  readonly timestampSeconds: number;
}

/** Thrown on malformed price history; the message names the source, record and field. */
export class SpotPriceHistoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpotPriceHistoryError';
  }
}

const FIELDS = [
  'AvailabilityZone',
  'InstanceType',
  'ProductDescription',
  'SpotPrice',
  'Timestamp',
] as const;

/**
 * Parses price history text. `format` defaults to JSON when the text starts with `{`, else CSV.
 * @param source Shown in errors, e.g. the file name.
 * @throws SpotPriceHistoryError naming the source, the record (`SpotPriceHistory[3]` or
 * `row 4`), the field, what was expected and what was found.
 */
export function parseSpotPriceHistory(
  text: string,
  source: string,
  format: 'json' | 'csv' = text.trimStart().startsWith('{') ? 'json' : 'csv',
): SpotPriceRecord[] {
  let rows: unknown[];
  let where: (k: number) => string;
  if (format === 'json') {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (error) {
      throw new SpotPriceHistoryError(`${source}: not valid JSON (${syntaxErrorPlace(error)})`);
    }
    const list = (doc as { SpotPriceHistory?: unknown } | null)?.SpotPriceHistory;
    if (!Array.isArray(list)) {
      throw new SpotPriceHistoryError(
        `${source}: SpotPriceHistory: expected an array of price records, got ${describe(list)}`,
      );
    }
    rows = list;
    where = (k) => `SpotPriceHistory[${k}]`;
  } else {
    try {
      rows = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true });
    } catch (error) {
      throw new SpotPriceHistoryError(`${source}: not valid CSV (${syntaxErrorPlace(error)})`);
    }
    where = (k) => `row ${k + 2}`; // header is row 1
  }
  return rows.map((row, k) => toRecord(row, `${source}: ${where(k)}`));
}

function describe(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

function toRecord(row: unknown, at: string): SpotPriceRecord {
  if (typeof row !== 'object' || row === null) {
    throw new SpotPriceHistoryError(`${at}: expected an object, got ${describe(row)}`);
  }
  const r = row as Record<string, unknown>;
  for (const field of FIELDS) {
    if (typeof r[field] !== 'string' && typeof r[field] !== 'number') {
      throw new SpotPriceHistoryError(
        `${at}: ${field}: expected a value, got ${describe(r[field])}`,
      );
    }
  }
  const price = Number(r['SpotPrice']);
  if (!(price >= 0 && Number.isFinite(price)) || String(r['SpotPrice']).trim() === '') {
    throw new SpotPriceHistoryError(
      `${at}: SpotPrice: expected a decimal $/hour >= 0, got ${describe(r['SpotPrice'])}`,
    );
  }
  const ms = Date.parse(String(r['Timestamp']));
  if (Number.isNaN(ms)) {
    throw new SpotPriceHistoryError(
      `${at}: Timestamp: expected an ISO 8601 time like 2023-02-15T00:00:00Z, got ${describe(r['Timestamp'])}`,
    );
  }
  return {
    availabilityZone: String(r['AvailabilityZone']),
    instanceType: String(r['InstanceType']),
    productDescription: String(r['ProductDescription']),
    pricePerHour: price,
    timestampSeconds: ms / 1000,
  };
}

/** Which records a {@link TracePriceProcess} replays, and where its t = 0 is. */
export interface TracePriceSelection {
  readonly instanceType: string;
  readonly availabilityZone: string;
  /** Default: any product description (set it when the history mixes Linux and Windows). */
  readonly productDescription?: string;
  /** Unix seconds that simulated t = 0 maps to. Default: the first selected record's time. */
  readonly startSeconds?: number;
}

/**
 * Replays recorded prices as a {@link PriceProcess}. Simulated time t maps to Unix time
 * start + t; the price is that of the latest record at or before it, and the last record's
 * price holds after the history ends.
 */
export class TracePriceProcess implements PriceProcess {
  readonly minPerHour: number;
  readonly maxPerHour: number;
  /** Record times relative to t = 0, seconds, ascending. */
  readonly #times: Float64Array;
  readonly #prices: Float64Array;

  /**
   * @throws SpotPriceHistoryError when no record matches the selection, or when t = 0 falls
   * before the first record (no price is known then).
   */
  constructor(records: readonly SpotPriceRecord[], selection: TracePriceSelection, source = '') {
    const chosen = records
      .filter(
        (r) =>
          r.instanceType === selection.instanceType &&
          r.availabilityZone === selection.availabilityZone &&
          (selection.productDescription === undefined ||
            r.productDescription === selection.productDescription),
      )
      .sort((a, b) => a.timestampSeconds - b.timestampSeconds);
    const label = source ? `${source}: ` : '';
    const first = chosen[0];
    if (first === undefined) {
      const types = [...new Set(records.map((r) => `${r.instanceType}@${r.availabilityZone}`))];
      throw new SpotPriceHistoryError(
        `${label}no price record for ${selection.instanceType} in ${selection.availabilityZone}` +
          `${selection.productDescription ? ` (${selection.productDescription})` : ''}; ` +
          `the history has: ${types.slice(0, 10).join(', ') || 'no records'}`,
      );
    }
    const start = selection.startSeconds ?? first.timestampSeconds;
    if (start < first.timestampSeconds) {
      throw new SpotPriceHistoryError(
        `${label}startSeconds ${start} is before the first record (${first.timestampSeconds}); ` +
          'no price is known there: start later or supply earlier history',
      );
    }
    this.#times = Float64Array.from(chosen, (r) => r.timestampSeconds - start);
    this.#prices = Float64Array.from(chosen, (r) => r.pricePerHour);
    // A loop, not Math.min(...prices): spreading a long history overflows the call stack.
    this.minPerHour = this.#prices.reduce((a, b) => Math.min(a, b));
    this.maxPerHour = this.#prices.reduce((a, b) => Math.max(a, b));
  }

  /** Index of the last record at or before t (binary search), ≥ 0 for t ≥ 0. */
  #indexAt(tSeconds: number): number {
    let lo = 0;
    let hi = this.#times.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.#times[mid] as number) <= tSeconds) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  priceAt(tSeconds: number): number {
    return this.#prices[this.#indexAt(tSeconds)] as number;
  }

  nextChangeAfter(tSeconds: number): number {
    const next = this.#indexAt(tSeconds) + 1;
    // Records before t = 0 all map to index ≤ the one in force at 0; skip equal timestamps.
    for (let k = next; k < this.#times.length; k++) {
      if ((this.#times[k] as number) > tSeconds) return this.#times[k] as number;
    }
    return Number.POSITIVE_INFINITY;
  }
}
