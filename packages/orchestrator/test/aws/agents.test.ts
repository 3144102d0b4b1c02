import { createServer } from 'node:http';
import type { Instance } from '@aws-sdk/client-ec2';
import {
  type AgentEndpoint,
  agentSecret,
  agentUserData,
  privateAddressAgents,
  resolveAwsConfig,
} from '@synkti/orchestrator';
import { describe, expect, it } from 'vitest';

const config = resolveAwsConfig({
  regions: [{ region: 'us-east-1', imageId: 'ami-0abc' }],
  agentPort: 7171,
});
const KEY = Buffer.alloc(32, 7);

describe('the agents of EC2 instances', () => {
  it('derive a secret per instance token, the same after a restart', () => {
    expect(agentSecret(KEY, 'run-1-r0')).toBe(agentSecret(Buffer.alloc(32, 7), 'run-1-r0'));
    expect(agentSecret(KEY, 'run-1-r0')).not.toBe(agentSecret(KEY, 'run-1-r1'));
    expect(agentSecret(KEY, 'run-1-r0')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('start from user data: IMDSv2 only, on the private address and the configured port', () => {
    const script = agentUserData(config, 'abc');
    expect(script.startsWith('#!/bin/bash\n')).toBe(true);
    expect(script).toContain("export SYNKTI_AGENT_SECRET='abc'");
    expect(script).toContain('export AWS_EC2_METADATA_V1_DISABLED=true');
    expect(script).toContain(
      "curl -sfX PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 300'",
    );
    expect(script).toContain('--host "$ADDRESS" --port 7171');
  });

  it('are "starting" until their agent answers, then reached at the private address', async () => {
    let answer = false;
    const probed: AgentEndpoint[] = [];
    const locate = privateAddressAgents(config, KEY, async (e) => {
      probed.push(e);
      return answer;
    });
    const i: Instance = {
      InstanceId: 'i-1',
      PrivateIpAddress: '10.0.0.5',
      State: { Name: 'running' },
    };
    expect(locate({ ...i, State: { Name: 'pending' } }, 't')).toBe('starting');
    expect(locate({ ...i, PrivateIpAddress: undefined }, 't')).toBe('starting');
    expect(locate(i, 't')).toBe('starting');
    await new Promise((r) => setTimeout(r, 5));
    answer = true;
    expect(locate(i, 't')).toBe('starting');
    await new Promise((r) => setTimeout(r, 5));
    expect(locate(i, 't')).toEqual({ url: 'http://10.0.0.5:7171', secret: agentSecret(KEY, 't') });
    expect(probed).toHaveLength(2);
  });

  it('are probed with their secret at GET /status by default', async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization}`);
      res.writeHead(200).end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const c = resolveAwsConfig({
      regions: [{ region: 'us-east-1', imageId: 'ami-0abc' }],
      agentPort: port,
    });
    const locate = privateAddressAgents(c, KEY);
    const i: Instance = {
      InstanceId: 'i-2',
      PrivateIpAddress: '127.0.0.1',
      State: { Name: 'running' },
    };
    expect(locate(i, 'tok')).toBe('starting');
    for (let k = 0; k < 100 && locate(i, 'tok') === 'starting'; k++)
      await new Promise((r) => setTimeout(r, 10));
    expect(locate(i, 'tok')).toEqual({
      url: `http://127.0.0.1:${port}`,
      secret: agentSecret(KEY, 'tok'),
    });
    expect(seen[0]).toBe(`GET /status Bearer ${agentSecret(KEY, 'tok')}`);
    server.close();
    // Nothing answering: still starting.
    const none = privateAddressAgents(
      resolveAwsConfig({ regions: [{ region: 'us-east-1', imageId: 'ami-0abc' }], agentPort: 1 }),
      KEY,
    );
    const j: Instance = {
      InstanceId: 'i-3',
      PrivateIpAddress: '127.0.0.1',
      State: { Name: 'running' },
    };
    none(j, 't');
    await new Promise((r) => setTimeout(r, 50));
    expect(none(j, 't')).toBe('starting');
  });
});

describe('resolveAwsConfig', () => {
  it('fills every default in one place', () => {
    expect(
      resolveAwsConfig({
        regions: [{ region: 'eu-west-1', imageId: 'ami-1' }],
        checkpoints: { bucket: 'b-1' },
      }),
    ).toEqual({
      regions: [{ region: 'eu-west-1', imageId: 'ami-1' }],
      namePrefix: 'synkti',
      checkpoints: { bucket: 'b-1', prefix: 'synkti/checkpoints/', region: 'eu-west-1' },
      agentPort: 7070,
      priceCacheSeconds: 300,
      productDescription: 'Linux/UNIX',
      maxAttempts: 5,
      queueWaitSeconds: 20,
      describeEverySeconds: 15,
      noticeSeconds: 120,
    });
  });
});
