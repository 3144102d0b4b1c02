import { EVENT_TYPES, parseEventMessage } from '@synkti/orchestrator';
import { describe, expect, it } from 'vitest';

const EPOCH = Date.parse('2026-11-30T12:00:00Z');

function envelope(detailType: string, detail: unknown, time = '2026-11-30T12:01:40Z'): string {
  return JSON.stringify({
    version: '0',
    id: 'e1',
    'detail-type': detailType,
    source: 'aws.ec2',
    account: '123456789012',
    time,
    region: 'us-east-1',
    resources: [],
    detail,
  });
}

describe('parseEventMessage', () => {
  it('an interruption warning terminates noticeSeconds after its time', () => {
    const p = parseEventMessage(
      envelope(EVENT_TYPES.interruption, {
        'instance-id': 'i-0abc',
        'instance-action': 'terminate',
      }),
      EPOCH,
      120,
    );
    expect(p).toEqual({
      event: { kind: 'interruption-warning', instanceId: 'i-0abc', at: 100, terminateAt: 220 },
    });
  });

  it('a rebalance recommendation and state changes', () => {
    expect(
      parseEventMessage(envelope(EVENT_TYPES.rebalance, { 'instance-id': 'i-1' }), EPOCH, 120),
    ).toEqual({
      event: { kind: 'rebalance-recommendation', instanceId: 'i-1', at: 100 },
    });
    const states = ['pending', 'running', 'shutting-down', 'terminated', 'stopping', 'stopped'];
    const mapped = states.map((state) => {
      const p = parseEventMessage(
        envelope(EVENT_TYPES.state, { 'instance-id': 'i-2', state }),
        EPOCH,
        120,
      );
      return 'event' in p && p.event.kind === 'state' ? p.event.state : undefined;
    });
    expect(mapped).toEqual([
      'pending',
      'running',
      'shutting-down',
      'terminated',
      'shutting-down',
      'terminated',
    ]);
  });

  it('says what is wrong with a message that is not an event: field path, expected, found', () => {
    expect(parseEventMessage('nope', EPOCH, 120)).toMatchObject({
      reason: expect.stringMatching(/^not JSON: /),
    });
    expect(parseEventMessage(envelope('EC2 AMI State Change', {}), EPOCH, 120)).toEqual({
      reason: `detail-type: expected one of the event types "${EVENT_TYPES.interruption}", "${EVENT_TYPES.rebalance}", "${EVENT_TYPES.state}", got "EC2 AMI State Change"`,
    });
    expect(
      parseEventMessage(envelope(EVENT_TYPES.rebalance, { 'instance-id': 'vol-1' }), EPOCH, 120),
    ).toEqual({
      reason: 'detail.instance-id: expected an instance id such as "i-0abc…", got "vol-1"',
    });
    expect(parseEventMessage(envelope(EVENT_TYPES.rebalance, {}), EPOCH, 120)).toMatchObject({
      reason: expect.stringMatching(/^detail\.instance-id: expected .*, got nothing$/),
    });
    expect(parseEventMessage('[]', EPOCH, 120)).toMatchObject({
      reason: expect.stringMatching(/^\(top level\)|^detail-type/),
    });
  });
});
