/**
 * `npm run bench:notice [-- --notices N]`: the wall time from an interruption notice to the
 * start of a checkpoint, on each of the two paths a notice takes on AWS, measured against
 * moto_server (started here on a free loopback port) with the real SDK:
 *
 * - **SQS**: the warning is put on EventBridge (PutEvents, the notice's moment); EventBridge
 *   routes it to the run's queue; `AwsCloud`'s long-poll loop keeps it in the store's inbox;
 *   a reader polling the inbox every 20 ms, as the live driver on the wall clock does, sees it
 *   and asks the instance's agent to checkpoint (the checkpoint's start: the request is sent).
 *   Excluded: the scenario's detection latency, a modelled delay the orchestrator adds.
 * - **IMDS**: the instance's metadata starts answering `spot/instance-action` (the notice's
 *   moment); the agent, polling every 200 ms, sees it and starts the task's checkpoint
 *   (SIGUSR1 and the deadline file; the moment the agent records the notice).
 *
 * Prints p50, p99 and the maximum of each, in ms of wall time. Target (live.md): IMDS p99 < 1 s.
 */

import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  Agent,
  AgentClient,
  AwsCloud,
  awsSetup,
  EVENT_TYPES,
  LiveStore,
} from '@synkti/orchestrator';
import { quantile } from '@synkti/sim-core';
import { startAwsFixture } from '../../orchestrator/test/aws/harness/aws-fixture.js';
import { MOTO_CREDENTIALS, motoAvailable } from '../../orchestrator/test/aws/harness/moto.js';
import { StandIns } from '../../orchestrator/test/aws/harness/stand-ins.js';

const arg = process.argv.indexOf('--notices');
const NOTICES = arg > 0 ? Number(process.argv[arg + 1]) : 200;
if (!(Number.isInteger(NOTICES) && NOTICES > 0)) {
  process.stderr.write(`--notices: expected a whole number > 0, got ${process.argv[arg + 1]}\n`);
  process.exit(2);
}
if (!motoAvailable()) {
  process.stderr.write('bench:notice needs moto_server (pyenv python3 with moto 5)\n');
  process.exit(2);
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'synkti-notice-bench-'));
const aws = await startAwsFixture();
const config = aws.config({ queueWaitSeconds: 20 });
await awsSetup(config, { credentials: MOTO_CREDENTIALS });
const store = new LiveStore(path.join(dir, 'state'));
const cloud = new AwsCloud({ config, store, types: [], credentials: MOTO_CREDENTIALS });
await cloud.start();
const events = new EventBridgeClient({
  region: 'us-east-1',
  endpoint: aws.proxy.url,
  credentials: MOTO_CREDENTIALS,
});
const standIns = new StandIns(dir);
await standIns.start();

const spec = {
  workSeconds: 1e9,
  baseProgressSeconds: 0,
  speed: 1,
  checkpointIntervalSeconds: null,
  stateMb: 1,
  storageMBps: 1000,
  startSeconds: 0,
};

// ---- SQS: PutEvents → EventBridge → SQS → inbox → reader → the agent's checkpoint ---------
const target = new Agent({ imdsUrl: `${standIns.url}/imds/i-0`, workDir: path.join(dir, 'sqs') });
const client = new AgentClient({ url: await target.start(), secret: target.secret });
await client.startSynthetic('t', spec);
const sqsMs: number[] = [];
let seq = 0;
for (let k = 1; k <= NOTICES; k++) {
  const id = `i-${k.toString(16).padStart(8, '0')}`;
  const t0 = performance.now();
  await events.send(
    new PutEventsCommand({
      Entries: [
        {
          Source: 'aws.ec2',
          DetailType: EVENT_TYPES.interruption,
          Detail: JSON.stringify({ 'instance-id': id, 'instance-action': 'terminate' }),
        },
      ],
    }),
  );
  for (;;) {
    const got = await cloud.eventsAfter(seq);
    const hit = got.find(
      (e) => e.event.kind === 'interruption-warning' && e.event.instanceId === id,
    );
    if (got.length > 0) seq = (got.at(-1) as { seq: number }).seq;
    if (hit) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  sqsMs.push(performance.now() - t0);
  await client.checkpointSynthetic('t', k, 0);
}
await target.stop();

// ---- IMDS: the metadata answers the notice → the agent's poll sees it ------------------------
const imdsMs: number[] = [];
for (let k = 1; k <= NOTICES; k++) {
  const id = `i-${(0x10000 + k).toString(16)}`;
  const agent = new Agent({
    imdsUrl: `${standIns.url}/imds/${id}`,
    workDir: path.join(dir, 'imds', id),
  });
  const c = new AgentClient({ url: await agent.start(), secret: agent.secret });
  await c.startSynthetic('t', spec);
  while ((await c.status()).instanceId === null) await new Promise((r) => setTimeout(r, 5));
  // At a random moment of the agent's polling cycle, as a notice would come.
  await new Promise((r) => setTimeout(r, Math.random() * 200));
  const t0 = Date.now();
  standIns.notice(id, new Date(t0 + 120_000));
  let noticed: number | null = null;
  while (noticed === null) {
    await new Promise((r) => setTimeout(r, 2));
    noticed = (await c.status()).noticedAtMs;
  }
  imdsMs.push(noticed - t0);
  await agent.stop();
}

await cloud.close();
store.close();
await standIns.close();
await aws.close();

const row = (name: string, xs: number[]) =>
  `| ${name} | ${xs.length} | ${(quantile(xs, 0.5) as number).toFixed(0)} | ${(quantile(xs, 0.99) as number).toFixed(0)} | ${Math.max(...xs).toFixed(0)} |`;
process.stdout.write(
  [
    'notice to checkpoint start, wall ms (moto_server on loopback; SQS long polling 20 s)',
    '',
    '| path | notices | p50 | p99 | max |',
    '|---|---|---|---|---|',
    row('SQS (PutEvents → inbox → agent)', sqsMs),
    row('IMDS (metadata → agent poll)', imdsMs),
    '',
    `IMDS p99 target < 1000 ms: ${(quantile(imdsMs, 0.99) as number) < 1000 ? 'met' : 'NOT met'}`,
    '',
  ].join('\n'),
);
