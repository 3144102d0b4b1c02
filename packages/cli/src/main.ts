#!/usr/bin/env node
/**
 * The `synkti` command. Exit codes (client.ts `EXIT`): 0 done; 1 failed while running; 2 bad
 * input, refused before anything ran (the message names the file, the field, what was expected
 * and found); 3 no server answers; 4 no such job; 5 the request conflicts with the job's state.
 */

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startApi, TOKEN_FILE } from '@synkti/api';
import { benchMain, InputError } from '@synkti/bench';
import {
  AGENT_FILE,
  AGENT_PARENT_ENV,
  AGENT_SECRET_ENV,
  Agent,
  InsecureSecretError,
  STORE_FILE,
} from '@synkti/orchestrator';
import { MIGRATION_PLANNERS } from '@synkti/sim-core';
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { awsSetupCommand, deadMessagesCommand } from './aws.js';
import { CommandError, EXIT } from './client.js';
import { AGENT_KINDS, CLOUD_FILE, startCloudCommand } from './cloud.js';
import { runLiveCommand } from './live.js';
import { type Outcome, serverCommands } from './server-commands.js';

/** The synkti version: @synkti/cli's package version. */
function version(): string {
  return (
    JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    }
  ).version;
}

/** Runs the command line `args`; resolves to the exit code. */
export async function main(args: readonly string[]): Promise<number> {
  // `synkti bench …` is the bench's own command line, whole.
  if (args[0] === 'bench') return benchMain(args.slice(1));
  const outcome: Outcome = { out: '', code: EXIT.ok };
  let out = '';
  try {
    const y = yargs([...args])
      .parserConfiguration({ 'populate--': true })
      .scriptName('synkti')
      .version(version())
      .command(
        'live <scenario>',
        'run a bench scenario live: the orchestrator on the emulated cloud, with a durable store',
        (y) =>
          y
            .positional('scenario', {
              type: 'string',
              demandOption: true,
              describe: 'scenario file',
            })
            .option('clock', {
              type: 'string',
              describe: 'virtual (deterministic, as fast as the CPU allows; the default) or scaled',
            })
            .option('aws', {
              type: 'string',
              describe:
                'run on AWS with this provider configuration (docs/aws.md): the wall clock; a run resumes from its --state-dir',
            })
            .option('speed', { type: 'number', describe: 'scaled clock: seconds per wall second' })
            .option('state-dir', {
              type: 'string',
              describe: 'the store (default ~/.synkti/runs/…)',
            })
            .option('policy', { type: 'string', describe: "policy (default the scenario's first)" })
            .option('migration', {
              type: 'string',
              default: 'optimal',
              describe: `migration planner: ${MIGRATION_PLANNERS.join(', ')}`,
            })
            .option('seed', { type: 'string', describe: "seed (default the scenario's first)" })
            .option('compare-sim', {
              type: 'boolean',
              default: false,
              describe: 'also simulate the same scenario and seed; print both and the differences',
            })
            .option('json', { type: 'boolean', default: false, describe: 'print JSON' })
            .option('traces-dir', { type: 'string', describe: 'spot trace directory' })
            .option('policy-module', {
              type: 'string',
              array: true,
              default: [] as string[],
              describe: 'module (JS or TS) whose default export is { name, create(params) }',
            })
            .option('cloud', {
              type: 'string',
              describe: 'directory of a cloud started by synkti cloud (resumes a killed run)',
            })
            .option('agents', {
              type: 'string',
              describe: `who runs the instances: ${AGENT_KINDS.join(', ')} (default: process on the scaled clock, in-process on the virtual)`,
            })
            .option('workload-command', {
              type: 'boolean',
              default: false,
              describe: 'every job runs the command given after -- (scaled clock)',
            })
            .option('until-done', {
              type: 'boolean',
              default: false,
              describe:
                'scaled clock: end the run once every job is final, releasing what is left, rather than at the horizon',
            })
            .option('task-retries', {
              type: 'number',
              describe: 'retries of a job whose command exits non-zero (default 2)',
            }),
        async (a) => {
          const rest = ((a['--'] as unknown[] | undefined) ?? []).map(String);
          if (!a.workloadCommand && rest.length > 0) {
            throw new InputError(
              `unexpected arguments after --: ${rest.join(' ')} (with --workload-command?)`,
            );
          }
          out = await runLiveCommand({
            untilDone: a.untilDone,
            aws: a.aws,
            agents: a.agents,
            workloadCommand: a.workloadCommand ? rest : undefined,
            taskRetries: a.taskRetries,
            cloud: a.cloud,
            policyModules: a.policyModule,
            scenario: a.scenario as string,
            clock: a.clock,
            speed: a.speed,
            stateDir: a.stateDir,
            policy: a.policy,
            migration: a.migration,
            seed: a.seed,
            compareSim: a.compareSim,
            json: a.json,
            tracesDir: a.tracesDir,
          });
        },
      )
      .command(
        'api',
        "serve a live run's REST API and dashboard beside it (OpenAPI at /openapi.json) until SIGTERM",
        (y) =>
          y
            .option('state-dir', { type: 'string', demandOption: true, describe: 'the run' })
            .option('host', {
              type: 'string',
              default: '127.0.0.1',
              describe: 'address to listen on (anything but loopback is warned about)',
            })
            .option('port', { type: 'number', default: 0, describe: 'port (0: any free one)' }),
        async (a) => {
          if (!existsSync(path.join(a.stateDir, STORE_FILE))) {
            throw new InputError(
              `--state-dir ${a.stateDir}: no live run's store there (${STORE_FILE})`,
            );
          }
          const api = await startApi({ stateDir: a.stateDir, host: a.host, port: a.port });
          process.stdout.write(
            `API at ${api.url} (OpenAPI: ${api.url}/openapi.json); bearer token in ${path.join(a.stateDir, TOKEN_FILE)}\n`,
          );
          await new Promise<void>((resolve) => {
            for (const signal of ['SIGTERM', 'SIGINT'] as const)
              process.once(signal, () => resolve());
          });
          await api.close();
        },
      )
      .command('aws', 'what a run on AWS needs in an account, and what its queue held', (y) =>
        y
          .command(
            ['setup', 'teardown'],
            'setup: make the event queue, the EventBridge rules, the queue policy and the checkpoint bucket (idempotent); teardown: remove them (the bucket is kept)',
            (z) =>
              z
                .option('config', {
                  type: 'string',
                  demandOption: true,
                  describe: 'AWS provider configuration file (docs/aws.md)',
                })
                .option('json', { type: 'boolean', default: false, describe: 'print JSON' }),
            async (a) => {
              out = await awsSetupCommand({
                config: a.config,
                teardown: a._[1] === 'teardown',
                json: a.json,
              });
            },
          )
          .command(
            'dead-messages',
            "the messages a run's event queue held that were not events, with why and the raw body",
            (z) =>
              z
                .option('state-dir', { type: 'string', demandOption: true, describe: 'the run' })
                .option('json', { type: 'boolean', default: false, describe: 'print JSON' }),
            (a) => {
              out = deadMessagesCommand({ stateDir: a.stateDir, json: a.json });
            },
          )
          .demandCommand(1, 'name one: setup, teardown or dead-messages'),
      )
      .command(
        'cloud <scenario>',
        "serve a scenario's emulated cloud in its own process until SIGTERM",
        (y) =>
          y
            .positional('scenario', {
              type: 'string',
              demandOption: true,
              describe: 'scenario file',
            })
            .option('dir', {
              type: 'string',
              demandOption: true,
              describe: 'where to write cloud.json (URL and secret, mode 0600)',
            })
            .option('seed', { type: 'string', describe: "seed (default the scenario's first)" })
            .option('port', {
              type: 'number',
              default: 0,
              describe: 'loopback port (0: any free one)',
            })
            .option('speed', {
              type: 'number',
              describe: 'run on the scaled clock at this speed (default: the virtual clock)',
            })
            .option('traces-dir', { type: 'string', describe: 'spot trace directory' })
            .option('agents', {
              type: 'string',
              describe: `who runs the instances: ${AGENT_KINDS.join(', ')} (default: process with --speed, else in-process)`,
            }),
        async (a) => {
          const { url, stop } = await startCloudCommand({
            agents: a.agents,
            speed: a.speed,
            scenario: a.scenario as string,
            seed: a.seed,
            dir: a.dir,
            port: a.port,
            tracesDir: a.tracesDir,
          });
          process.stdout.write(`cloud serving at ${url}; ${CLOUD_FILE} in ${a.dir}\n`);
          await new Promise<void>((resolve) => {
            for (const signal of ['SIGTERM', 'SIGINT'] as const)
              process.once(signal, () => resolve());
          });
          await stop();
        },
      )
      .command(
        'agent',
        "the instance agent: runs the orchestrator's tasks, watches the instance's metadata",
        (y) =>
          y
            .option('imds', {
              type: 'string',
              demandOption: true,
              describe: "the instance's IMDS URL",
            })
            .option('dir', {
              type: 'string',
              demandOption: true,
              describe: `work directory; agent.json (URL, secret; mode 0600) is written there (the secret: $${AGENT_SECRET_ENV} if set, else a random one)`,
            })
            .option('port', {
              type: 'number',
              default: 0,
              describe: 'port (0: any free one)',
            })
            .option('host', {
              type: 'string',
              default: '127.0.0.1',
              describe: "address to serve on (on EC2: the instance's private address)",
            })
            .option('poll-ms', {
              type: 'number',
              default: 200,
              describe: 'IMDS polling, ms (≤ 250)',
            }),
        async (a) => {
          const secret = process.env[AGENT_SECRET_ENV];
          const agent = new Agent({
            imdsUrl: a.imds,
            workDir: a.dir,
            port: a.port,
            host: a.host,
            pollMs: a.pollMs,
            ...(secret ? { secret } : {}),
          });
          if (!['127.0.0.1', '::1', 'localhost'].includes(a.host)) {
            process.stderr.write(
              `synkti agent: serving on ${a.host}, reachable beyond this machine; every request must carry the secret\n`,
            );
          }
          const url = await agent.start();
          mkdirSync(a.dir, { recursive: true, mode: 0o700 });
          // Written whole, then renamed: whoever waits for the file never reads half of it.
          const file = path.join(a.dir, AGENT_FILE);
          writeFileSync(
            `${file}.tmp`,
            `${JSON.stringify({ url, secret: agent.secret, pid: process.pid })}\n`,
            { mode: 0o600 },
          );
          renameSync(`${file}.tmp`, file);
          process.stdout.write(`agent serving at ${url}; agent.json in ${a.dir}\n`);
          const parent = Number(process.env[AGENT_PARENT_ENV] ?? 0);
          await new Promise<void>((resolve) => {
            for (const signal of ['SIGTERM', 'SIGINT'] as const)
              process.once(signal, () => resolve());
            // An emulated instance ends with its cloud, however the cloud ended.
            if (parent > 0) {
              setInterval(() => {
                try {
                  process.kill(parent, 0);
                } catch {
                  resolve();
                }
              }, 500).unref();
            }
          });
          await agent.stop();
        },
      );
    await serverCommands(y as unknown as Argv, outcome)
      .demandCommand(1)
      .strict()
      .help()
      .fail((message, error) => {
        throw error ?? new InputError(`${message}; see --help`);
      })
      .parseAsync();
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n`);
    if (error instanceof CommandError) return error.exitCode;
    // Bad input, and a token file others can read, are refused before anything runs.
    return error instanceof InputError || error instanceof InsecureSecretError
      ? EXIT.input
      : EXIT.failed;
  }
  process.stdout.write(out + outcome.out);
  return outcome.code;
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  process.exitCode = await main(hideBin(process.argv));
}
