/**
 * docs/aws.md's IAM policies allow every AWS call the provider and the agents make: each SDK
 * command in the source is mapped to its IAM action here (a command without a mapping fails
 * the test), and each action must be in one of the documented policies.
 */

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');

/** The IAM action each SDK command needs. */
const ACTION: Record<string, string> = {
  RunInstances: 'ec2:RunInstances',
  TerminateInstances: 'ec2:TerminateInstances',
  DescribeInstances: 'ec2:DescribeInstances',
  DescribeSpotPriceHistory: 'ec2:DescribeSpotPriceHistory',
  GetQueueUrl: 'sqs:GetQueueUrl',
  ReceiveMessage: 'sqs:ReceiveMessage',
  DeleteMessageBatch: 'sqs:DeleteMessage',
  CreateQueue: 'sqs:CreateQueue',
  GetQueueAttributes: 'sqs:GetQueueAttributes',
  SetQueueAttributes: 'sqs:SetQueueAttributes',
  DeleteQueue: 'sqs:DeleteQueue',
  PutRule: 'events:PutRule',
  DescribeRule: 'events:DescribeRule',
  PutTargets: 'events:PutTargets',
  RemoveTargets: 'events:RemoveTargets',
  DeleteRule: 'events:DeleteRule',
  HeadBucket: 's3:ListBucket',
  CreateBucket: 's3:CreateBucket',
  PutObject: 's3:PutObject',
  GetObject: 's3:GetObject',
};

function sourceCommands(): Set<string> {
  const files = [
    ...readdirSync(path.join(ROOT, 'packages/orchestrator/src/aws')).map((f) => `aws/${f}`),
    'agent/s3-checkpoints.ts',
  ];
  const found = new Set<string>();
  for (const f of files) {
    const text = readFileSync(path.join(ROOT, 'packages/orchestrator/src', f), 'utf8');
    for (const m of text.matchAll(/new (\w+)Command\(|paginate(\w+)\(/g))
      found.add((m[1] ?? m[2]) as string);
  }
  return found;
}

function documentedActions(): Set<string> {
  const doc = readFileSync(path.join(ROOT, 'docs/aws.md'), 'utf8');
  const actions = new Set<string>();
  for (const m of doc.matchAll(/```json\n([\s\S]*?)```/g)) {
    const block = JSON.parse(m[1] as string) as { Statement?: { Action: string | string[] }[] };
    for (const s of block.Statement ?? []) for (const a of [s.Action].flat()) actions.add(a);
  }
  return actions;
}

describe("docs/aws.md's IAM policies", () => {
  it('allow every call the code makes', () => {
    const commands = sourceCommands();
    expect(commands.size).toBeGreaterThan(15);
    const documented = documentedActions();
    for (const c of commands) {
      expect(ACTION[c], `${c}: no IAM action mapped in this test`).toBeDefined();
      expect(
        documented.has(ACTION[c] as string),
        `${ACTION[c]} (for ${c}) is in no documented policy`,
      ).toBe(true);
    }
  });
});
