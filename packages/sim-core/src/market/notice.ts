/** Preemption notices: when a preempted instance is warned, seen, and gone. */

import {
  DEFAULT_DETECTION_LATENCY_SECONDS,
  type GRACE_PERIOD_SECONDS,
} from '../scenario/defaults.js';

/** The three instants of one preemption, simulated seconds. */
export interface NoticeTimeline {
  /** The cloud issues the notice. */
  readonly noticeAt: number;
  /** The orchestrator learns of it: noticeAt + detection latency. */
  readonly detectedAt: number;
  /** The instance terminates: noticeAt + grace period. */
  readonly terminateAt: number;
}

/** Settings of a preemption notice. */
export interface NoticeSettings {
  /** Notice to termination, seconds. AWS 120, GCP and Azure 30 ({@link GRACE_PERIOD_SECONDS}). */
  readonly gracePeriodSeconds: number;
  /** Notice to detection, seconds. Default 1 ({@link DEFAULT_DETECTION_LATENCY_SECONDS}). */
  readonly detectionLatencySeconds?: number;
}

/**
 * The timeline of a notice issued at `noticeAt`.
 * @throws RangeError unless 0 ≤ detection latency ≤ grace period, all finite.
 */
export function noticeTimeline(noticeAt: number, settings: NoticeSettings): NoticeTimeline {
  const grace = settings.gracePeriodSeconds;
  const latency = settings.detectionLatencySeconds ?? DEFAULT_DETECTION_LATENCY_SECONDS;
  if (!(grace >= 0 && Number.isFinite(grace))) {
    throw new RangeError(`gracePeriodSeconds must be finite seconds >= 0, got ${grace}`);
  }
  if (!(latency >= 0 && latency <= grace)) {
    throw new RangeError(
      `detectionLatencySeconds must be in [0, gracePeriodSeconds=${grace}], got ${latency}`,
    );
  }
  return { noticeAt, detectedAt: noticeAt + latency, terminateAt: noticeAt + grace };
}
