import { describe, expect, it } from 'vitest';
import {
  integrateCostUsd,
  parseSpotPriceHistory,
  SpotPriceHistoryError,
  TracePriceProcess,
} from '../../src/index.js';

const records = [
  ['us-east-1a', 'p3.2xlarge', 'Linux/UNIX', '0.9731', '2023-02-15T01:00:00.000Z'],
  ['us-east-1a', 'p3.2xlarge', 'Linux/UNIX', '0.9180', '2023-02-15T00:00:00.000Z'],
  ['us-east-1b', 'p3.2xlarge', 'Linux/UNIX', '2.0000', '2023-02-15T00:30:00.000Z'],
  ['us-east-1a', 'g5.xlarge', 'Linux/UNIX', '0.5000', '2023-02-15T00:30:00.000Z'],
];
const fields = ['AvailabilityZone', 'InstanceType', 'ProductDescription', 'SpotPrice', 'Timestamp'];
const json = JSON.stringify({
  SpotPriceHistory: records.map((r) => Object.fromEntries(fields.map((f, k) => [f, r[k]]))),
});
const csv = [fields.join(','), ...records.map((r) => r.join(','))].join('\n');

describe('parseSpotPriceHistory', () => {
  it('reads the JSON and the CSV form to the same records', () => {
    const a = parseSpotPriceHistory(json, 'h.json');
    const b = parseSpotPriceHistory(csv, 'h.csv');
    expect(a).toEqual(b);
    expect(a[0]).toEqual({
      availabilityZone: 'us-east-1a',
      instanceType: 'p3.2xlarge',
      productDescription: 'Linux/UNIX',
      pricePerHour: 0.9731,
      timestampSeconds: Date.parse('2023-02-15T01:00:00Z') / 1000,
    });
  });

  it('reports bad rows with source, record, field, expected and found', () => {
    const bad = csv.replace('0.9180', 'abc');
    expect(() => parseSpotPriceHistory(bad, 'h.csv')).toThrow(
      'h.csv: row 3: SpotPrice: expected a decimal $/hour >= 0, got "abc"',
    );
    const badTime = json.replace('2023-02-15T00:30:00.000Z', 'yesterday');
    expect(() => parseSpotPriceHistory(badTime, 'h.json')).toThrow(
      /h.json: SpotPriceHistory\[2\]: Timestamp: expected an ISO 8601 time/,
    );
    expect(() => parseSpotPriceHistory('{"x":1}', 'h.json')).toThrow(SpotPriceHistoryError);
  });
});

describe('TracePriceProcess', () => {
  const history = parseSpotPriceHistory(json, 'h.json');
  const price = new TracePriceProcess(history, {
    instanceType: 'p3.2xlarge',
    availabilityZone: 'us-east-1a',
  });

  it('filters by type and zone and is piecewise constant between records', () => {
    expect(price.priceAt(0)).toBe(0.918);
    expect(price.priceAt(3599)).toBe(0.918);
    expect(price.priceAt(3600)).toBe(0.9731);
    expect(price.priceAt(1e6)).toBe(0.9731); // the last record holds
    expect(price.nextChangeAfter(0)).toBe(3600);
    expect(price.nextChangeAfter(3600)).toBe(Number.POSITIVE_INFINITY);
    expect([price.minPerHour, price.maxPerHour]).toEqual([0.918, 0.9731]);
  });

  it('bills across a price change to the cent', () => {
    // 30 min at 0.918 + 90 min at 0.9731 = 0.459 + 1.45965 = 1.91865 USD
    expect(integrateCostUsd(price, 1800, 3600 + 5400)).toBeCloseTo(1.91865, 10);
  });

  it('says what the history has when nothing matches, and refuses a start before it', () => {
    expect(
      () => new TracePriceProcess(history, { instanceType: 'p4d', availabilityZone: 'us-east-1a' }),
    ).toThrow(/no price record for p4d in us-east-1a; the history has: p3.2xlarge@us-east-1a/);
    expect(
      () =>
        new TracePriceProcess(history, {
          instanceType: 'p3.2xlarge',
          availabilityZone: 'us-east-1a',
          startSeconds: 0,
        }),
    ).toThrow(/before the first record/);
  });
});
