/**
 * `synkti aws setup | teardown | dead-messages`, and what `synkti live --aws` needs: the
 * provider configuration file validated as scenarios are (exit 2 before anything runs, naming
 * the file, the field, what was expected and what was found), and the AWS cloud of a run.
 */

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { InputError, readValidated } from '@synkti/bench';
import {
  AwsCloud,
  type AwsConfig,
  agentSecret,
  agentUserData,
  awsConfigSchema,
  awsSetup,
  awsTeardown,
  CloudInbox,
  LiveStore,
  ownerOnlySecret,
  privateAddressAgents,
  resolveAwsConfig,
  type SetupStep,
  STORE_FILE,
} from '@synkti/orchestrator';
import type { ResolvedInstanceType } from '@synkti/sim-core';

/** Reads and validates a provider configuration file. @throws InputError (exit 2). */
export function loadAwsConfig(file: string): AwsConfig {
  return resolveAwsConfig(readValidated(file, awsConfigSchema, 'AWS provider configuration'));
}

/** The steps of setup or teardown, as a table (or JSON). */
export function stepsText(steps: readonly SetupStep[], json: boolean): string {
  if (json) return `${JSON.stringify(steps)}\n`;
  const rows = steps.map(
    (s) => `| ${s.region} | ${s.kind} | ${s.name} | ${s.action} | ${s.id ?? ''} |`,
  );
  return `${['| region | what | name | done | id |', '|---|---|---|---|---|', ...rows].join('\n')}\n`;
}

/** `synkti aws setup` / `teardown`. */
export async function awsSetupCommand(o: {
  readonly config: string;
  readonly teardown: boolean;
  readonly json: boolean;
}): Promise<string> {
  const config = loadAwsConfig(o.config);
  const steps = o.teardown ? await awsTeardown(config) : await awsSetup(config);
  const kept = steps.find((s) => s.kind === 'bucket' && s.action === 'kept');
  const note = kept
    ? `\nThe bucket ${kept.name} is kept (it holds checkpoints): aws s3 rb s3://${kept.name} --force removes it.\n`
    : '';
  return stepsText(steps, o.json) + (o.json ? '' : note);
}

/** `synkti aws dead-messages`: the messages a run's queue held that were not events. */
export function deadMessagesCommand(o: {
  readonly stateDir: string;
  readonly json: boolean;
}): string {
  if (!existsSync(path.join(o.stateDir, STORE_FILE))) {
    throw new InputError(`--state-dir ${o.stateDir}: no store there (${STORE_FILE})`);
  }
  const store = new LiveStore(o.stateDir, { readonly: true });
  try {
    const dead = new CloudInbox(store).dead();
    if (o.json) return `${JSON.stringify(dead)}\n`;
    if (dead.length === 0) return 'no dead messages\n';
    return `${dead
      .map(
        (d) =>
          `${new Date(d.receivedAtMs).toISOString()} ${d.messageId} from ${d.source}\n  why: ${d.reason}\n  body: ${d.body}`,
      )
      .join('\n')}\n`;
  } finally {
    store.close();
  }
}

/** The file in a run's state directory that keeps the key its agents' secrets derive from. */
export const AGENT_KEY_FILE = 'aws-agent.key';

/** The run's agent key: made once (mode 0600); a key file others can read is refused. */
export function agentKey(stateDir: string): Buffer {
  return ownerOnlySecret(path.join(stateDir, AGENT_KEY_FILE), "AWS agents' key", () =>
    randomBytes(32),
  );
}

/** The AWS cloud of a run in `stateDir`: agents at instances' private addresses. */
export function awsCloudFor(
  config: AwsConfig,
  stateDir: string,
  types: readonly ResolvedInstanceType[],
): { cloud: AwsCloud; store: LiveStore } {
  const key = agentKey(stateDir);
  const store = new LiveStore(stateDir);
  const cloud = new AwsCloud({
    config,
    store,
    types,
    agents: privateAddressAgents(config, key),
    userData: (token) => agentUserData(config, agentSecret(key, token)),
  });
  return { cloud, store };
}
