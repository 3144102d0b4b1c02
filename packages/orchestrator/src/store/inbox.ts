/**
 * A real cloud's events as they arrive, durable before the message that carried them is
 * acknowledged (an SQS message is deleted only once its event is here): the inbox is the event
 * log a {@link CloudDriver} reads by sequence number, so an orchestrator restarted after a crash
 * reads every event it had not handled, and a message delivered twice (SQS is at-least-once) is
 * kept once, by its message id. A message that is not an event is kept with its raw body in
 * the dead-message table (`synkti aws dead-messages` lists it) and acknowledged, so one bad
 * message never stops the loop nor comes back.
 */

import type { CloudEvent, LoggedCloudEvent } from '../cloud/provider.js';
import type { LiveStore } from './store.js';

/** A message that was not an event. */
export interface DeadMessage {
  readonly id: number;
  readonly messageId: string;
  /** Wall ms since the epoch. */
  readonly receivedAtMs: number;
  readonly source: string;
  readonly reason: string;
  readonly body: string;
}

/** See the file comment. */
export class CloudInbox {
  constructor(readonly store: LiveStore) {}

  /**
   * Keeps `event`, carried by message `messageId`; false when that message was kept before (a
   * redelivery).
   */
  add(messageId: string, event: CloudEvent, receivedAtMs = Date.now()): boolean {
    const r = this.store
      .prepare('INSERT OR IGNORE INTO inbox (message_id, received_at_ms, event) VALUES (?, ?, ?)')
      .run(messageId, receivedAtMs, JSON.stringify(event));
    return r.changes === 1;
  }

  /** Keeps a message that is not an event, with why; false when it was kept before. */
  addDead(
    messageId: string,
    source: string,
    reason: string,
    body: string,
    receivedAtMs = Date.now(),
  ): boolean {
    const r = this.store
      .prepare(
        `INSERT OR IGNORE INTO dead_messages (message_id, received_at_ms, source, reason, body)
         VALUES (?, ?, ?, ?, ?)`,
      )
      .run(messageId, receivedAtMs, source, reason, body);
    return r.changes === 1;
  }

  /** The events kept after `seq`, in order. */
  after(seq: number): LoggedCloudEvent[] {
    const rows = this.store
      .prepare('SELECT seq, event FROM inbox WHERE seq > ? ORDER BY seq')
      .all(seq) as { seq: number; event: string }[];
    return rows.map((r) => ({ seq: r.seq, event: JSON.parse(r.event) as CloudEvent }));
  }

  /** Every dead message, oldest first. */
  dead(): DeadMessage[] {
    const rows = this.store
      .prepare(
        `SELECT id, message_id AS messageId, received_at_ms AS receivedAtMs, source, reason, body
         FROM dead_messages ORDER BY id`,
      )
      .all() as DeadMessage[];
    return rows;
  }
}
