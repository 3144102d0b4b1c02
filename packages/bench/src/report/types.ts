/** Types the report shares with the rest of the bench. */
export type { RunRow } from '../sweep/runs.js';

/** The fields of a sim-core event the timeline reads. */
export interface SimEventLike {
  readonly t: number;
  readonly kind: string;
  readonly task?: string;
  readonly instance?: string;
  readonly detail?: Readonly<Record<string, string | number>>;
}
