/**
 * The agents of real EC2 instances: each instance's user data starts `synkti agent` (the AMI
 * has Synkti installed) on its private address and `agentPort`, with a secret derived from a
 * key kept in the run's state directory and the instance's token (HMAC-SHA256), so that a
 * restarted orchestrator knows every secret without storing them. The orchestrator reaches an
 * agent at `http://<private address>:<agentPort>`; until the agent answers there, the instance
 * is reported as `'starting'` (an instance is `running` well before its agent is up).
 *
 * The user data is visible to whoever may call `ec2:DescribeInstanceAttribute` on the instance:
 * docs/aws.md says so.
 */

import { createHmac } from 'node:crypto';
import type { Instance } from '@aws-sdk/client-ec2';
import type { AgentEndpoint } from '../cloud/provider.js';
import type { AwsConfig } from './config.js';
import type { AgentLocator } from './region.js';

/** The agent secret of the instance launched with `token`. */
export function agentSecret(key: Uint8Array, token: string): string {
  return createHmac('sha256', key).update(token).digest('hex');
}

/** The user data that starts an instance's agent (a shell script, run once at first boot). */
export function agentUserData(config: AwsConfig, secret: string): string {
  const imds = 'http://169.254.169.254';
  return [
    '#!/bin/bash',
    'set -euo pipefail',
    `export SYNKTI_AGENT_SECRET='${secret}'`,
    // The SDK must never fall back to IMDSv1 for the instance role's credentials.
    'export AWS_EC2_METADATA_V1_DISABLED=true',
    `TOKEN=$(curl -sfX PUT ${imds}/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')`,
    `ADDRESS=$(curl -sf -H "X-aws-ec2-metadata-token: $TOKEN" ${imds}/latest/meta-data/local-ipv4)`,
    'mkdir -p /var/lib/synkti',
    `exec synkti agent --imds ${imds} --dir /var/lib/synkti --host "$ADDRESS" --port ${config.agentPort}`,
    '',
  ].join('\n');
}

/**
 * Locates agents at instances' private addresses (see the file comment); `probe` is asked in
 * the background whether an agent answers yet (default: its `GET /status`).
 */
export function privateAddressAgents(
  config: AwsConfig,
  key: Uint8Array,
  probe: (e: AgentEndpoint) => Promise<boolean> = answers,
): AgentLocator {
  const ready = new Map<string, AgentEndpoint>();
  const probing = new Set<string>();
  return (instance: Instance, token: string) => {
    const id = instance.InstanceId as string;
    const known = ready.get(id);
    if (known) return known;
    const ip = instance.PrivateIpAddress;
    if (ip === undefined || instance.State?.Name !== 'running') return 'starting';
    const endpoint = { url: `http://${ip}:${config.agentPort}`, secret: agentSecret(key, token) };
    if (!probing.has(id)) {
      probing.add(id);
      void probe(endpoint)
        .then((ok) => {
          if (ok) ready.set(id, endpoint);
        })
        .finally(() => probing.delete(id));
    }
    return 'starting';
  };
}

async function answers(e: AgentEndpoint): Promise<boolean> {
  try {
    const res = await fetch(new URL('/status', e.url), {
      headers: { authorization: `Bearer ${e.secret}` },
      signal: AbortSignal.timeout(2000),
    });
    return res.ok;
  } catch {
    return false;
  }
}
