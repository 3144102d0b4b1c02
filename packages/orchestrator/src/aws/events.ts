/**
 * EC2's events as EventBridge delivers them to the run's SQS queue, read into the store's inbox
 * (store/inbox.ts): the {@link CloudEvent}s the orchestrator reads by sequence number.
 *
 * Delivery is at-least-once on both sides, so: a message is deleted only after its event (or,
 * for a message that is not an event, its dead-message record) is committed to the store; a
 * message delivered again is kept once, by its message id; and the orchestrator takes a second
 * warning for an instance already noticed as a no-op. Nothing a message holds stops the loop.
 *
 * Handled event types (the `detail-type` of EventBridge's envelope):
 * - "EC2 Spot Instance Interruption Warning" → `interruption-warning`, terminating
 *   `noticeSeconds` (AWS: 120) after the event's `time`;
 * - "EC2 Instance Rebalance Recommendation" → `rebalance-recommendation`;
 * - "EC2 Instance State-change Notification" → `state` (pending, running, shutting-down,
 *   terminated; stopping and stopped are not states a spot instance of Synkti's enters).
 */

import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { z } from 'zod';
import type { CloudEvent } from '../cloud/provider.js';
import type { CloudInbox } from '../store/inbox.js';
import { cloudError } from './errors.js';

/** The event types `synkti aws setup` routes to the queue (its rules' patterns). */
export const EVENT_TYPES = {
  interruption: 'EC2 Spot Instance Interruption Warning',
  rebalance: 'EC2 Instance Rebalance Recommendation',
  state: 'EC2 Instance State-change Notification',
} as const;

const instanceId = z.string().regex(/^i-[0-9a-f]+$/, 'an instance id such as "i-0abc…"');

/** EventBridge's envelope, with the details Synkti reads. */
const envelope = z.discriminatedUnion('detail-type', [
  z.object({
    'detail-type': z.literal(EVENT_TYPES.interruption),
    source: z.literal('aws.ec2'),
    time: z.iso.datetime(),
    detail: z.object({ 'instance-id': instanceId, 'instance-action': z.string() }),
  }),
  z.object({
    'detail-type': z.literal(EVENT_TYPES.rebalance),
    source: z.literal('aws.ec2'),
    time: z.iso.datetime(),
    detail: z.object({ 'instance-id': instanceId }),
  }),
  z.object({
    'detail-type': z.literal(EVENT_TYPES.state),
    source: z.literal('aws.ec2'),
    time: z.iso.datetime(),
    detail: z.object({
      'instance-id': instanceId,
      state: z.enum(['pending', 'running', 'shutting-down', 'terminated', 'stopping', 'stopped']),
    }),
  }),
]);

/** A message body parsed: the event, or why it is not one (field path, expected, found). */
export type Parsed = { readonly event: CloudEvent } | { readonly reason: string };

/**
 * Parses an SQS message body holding an EventBridge event. `epochMs` is the run's time 0;
 * `noticeSeconds` the notice before an interruption.
 */
export function parseEventMessage(body: string, epochMs: number, noticeSeconds: number): Parsed {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    return { reason: `not JSON: ${(error as Error).message}` };
  }
  const parsed = envelope.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue;
    let found: unknown = json;
    for (const k of issue.path) {
      found =
        found !== null && typeof found === 'object'
          ? (found as Record<PropertyKey, unknown>)[k]
          : undefined;
    }
    const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    const expected =
      issue.code === 'invalid_format' && issue.format === 'datetime'
        ? 'an ISO 8601 datetime'
        : issue.code === 'invalid_union'
          ? `one of the event types ${Object.values(EVENT_TYPES)
              .map((t) => JSON.stringify(t))
              .join(', ')}`
          : issue.message;
    return {
      reason: `${where}: expected ${expected}, got ${found === undefined ? 'nothing' : JSON.stringify(found)}`,
    };
  }
  const e = parsed.data;
  const at = (Date.parse(e.time) - epochMs) / 1000;
  const id = e.detail['instance-id'];
  switch (e['detail-type']) {
    case EVENT_TYPES.interruption:
      return {
        event: {
          kind: 'interruption-warning',
          instanceId: id,
          at,
          terminateAt: at + noticeSeconds,
        },
      };
    case EVENT_TYPES.rebalance:
      return { event: { kind: 'rebalance-recommendation', instanceId: id, at } };
    case EVENT_TYPES.state: {
      const s = e.detail.state;
      const state = s === 'stopping' ? 'shutting-down' : s === 'stopped' ? 'terminated' : s;
      return { event: { kind: 'state', instanceId: id, state, at } };
    }
  }
}

/** Counts of what a receive did. */
export interface Received {
  readonly events: number;
  readonly duplicates: number;
  readonly dead: number;
}

/**
 * Receives one batch from `queueUrl` (long polling `waitSeconds`), keeps each message in
 * `inbox` (or as dead), and then deletes the batch's messages.
 */
export async function receiveOnce(o: {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly inbox: CloudInbox;
  readonly epochMs: number;
  readonly noticeSeconds: number;
  readonly waitSeconds: number;
  readonly region: string;
  readonly abortSignal?: AbortSignal;
}): Promise<Received> {
  let messages: Message[];
  try {
    messages =
      (
        await o.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: o.queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: o.waitSeconds,
          }),
          o.abortSignal ? { abortSignal: o.abortSignal } : {},
        )
      ).Messages ?? [];
  } catch (error) {
    throw cloudError(error, 'sqs:ReceiveMessage', o.region);
  }
  let events = 0;
  let duplicates = 0;
  let dead = 0;
  const handled: { Id: string; ReceiptHandle: string }[] = [];
  for (const [k, m] of messages.entries()) {
    const id = m.MessageId ?? `${o.queueUrl}#${m.ReceiptHandle}`;
    const body = m.Body ?? '';
    const parsed = parseEventMessage(body, o.epochMs, o.noticeSeconds);
    if ('event' in parsed) {
      if (o.inbox.add(id, parsed.event)) events++;
      else duplicates++;
    } else if (o.inbox.addDead(id, o.queueUrl, parsed.reason, body)) dead++;
    else duplicates++;
    if (m.ReceiptHandle) handled.push({ Id: String(k), ReceiptHandle: m.ReceiptHandle });
  }
  if (handled.length > 0) {
    try {
      await o.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: o.queueUrl, Entries: handled }));
    } catch (error) {
      // Kept already: the messages come back after their visibility timeout and are duplicates.
      throw cloudError(error, 'sqs:DeleteMessageBatch', o.region);
    }
  }
  return { events, duplicates, dead };
}
