/**
 * The command lines of live mode III (live.md, "CLI"): `serve`, the client commands
 * (client-commands.ts) and `bench`, registered on main's yargs. Every client command finds its
 * server through `--state-dir` / `$SYNKTI_STATE_DIR` and `--url` / `$SYNKTI_URL` (client.ts).
 */

import { SUBMISSION_DEFAULTS } from '@synkti/api';
import { benchMain } from '@synkti/bench';
import { MIGRATION_PLANNERS } from '@synkti/sim-core';
import type { Argv } from 'yargs';
import { DEFAULT_STATE_DIR } from './client.js';
import {
  cancelCommand,
  costsCommand,
  dashboardCommand,
  hasDesktop,
  instancesCommand,
  jobsCommand,
  logsCommand,
  statusCommand,
  submitCommand,
} from './client-commands.js';
import { AGENT_KINDS } from './cloud.js';
import { DEFAULT_SERVE_POLICY, serveCommand } from './serve.js';

/** What a command's handler hands back: text to print, and the exit code if not 0. */
export interface Outcome {
  out: string;
  code: number;
}

const where = {
  'state-dir': {
    type: 'string',
    describe: `the server's state directory (default $SYNKTI_STATE_DIR, else ${DEFAULT_STATE_DIR.replace(/^.*\.synkti/, '~/.synkti')})`,
  },
  url: { type: 'string', describe: "the server's URL (default $SYNKTI_URL, else its server.json)" },
  json: { type: 'boolean', default: false, describe: 'print JSON' },
} as const;

/** Registers the commands on `y`; handlers put what to print in `outcome`. */
export function serverCommands(y: Argv, outcome: Outcome): Argv {
  return y
    .command(
      'serve',
      'run the orchestrator as a server: jobs submitted while it runs, the REST API and the dashboard, until SIGTERM',
      (a) =>
        a
          .option('cloud', {
            type: 'string',
            default: 'emulated',
            describe: "emulated (a scenario's market, on the scaled clock) or aws",
          })
          .option('scenario', {
            type: 'string',
            describe:
              "scenario file: the emulated cloud's market and instance types (default scenarios/live/serve.json)",
          })
          .option('speed', {
            type: 'number',
            describe: 'simulated seconds per wall second (default 60)',
          })
          .option('policy', {
            type: 'string',
            describe: `policy (default the scenario's first, else ${DEFAULT_SERVE_POLICY})`,
          })
          .option('policy-module', {
            type: 'string',
            array: true,
            default: [] as string[],
            describe: 'module (JS or TS) whose default export is { name, create(params) }',
          })
          .option('migration', {
            type: 'string',
            default: 'optimal',
            describe: `migration planner: ${MIGRATION_PLANNERS.join(', ')}`,
          })
          .option('seed', { type: 'string', describe: "seed (default the scenario's first)" })
          .option('state-dir', where['state-dir'])
          .option('host', {
            type: 'string',
            default: '127.0.0.1',
            describe: 'address to listen on (anything but loopback is warned about)',
          })
          .option('port', { type: 'number', default: 0, describe: 'port (0: any free one)' })
          .option('aws-config', {
            type: 'string',
            describe: 'with --cloud aws: the provider configuration (docs/aws.md)',
          })
          .option('agents', {
            type: 'string',
            describe: `emulated: who runs the instances, ${AGENT_KINDS.join(', ')} (default process)`,
          })
          .option('traces-dir', { type: 'string', describe: 'spot trace directory' })
          .option('cloud-dir', {
            type: 'string',
            describe:
              'emulated: the directory of a cloud started by synkti cloud (its own process: a killed server resumes)',
          }),
      async (a) => {
        const live = await serveCommand(
          {
            cloudDir: a.cloudDir,
            cloud: a.cloud,
            scenario: a.scenario,
            speed: a.speed,
            policy: a.policy,
            policyModules: a.policyModule,
            migration: a.migration,
            seed: a.seed,
            stateDir: a.stateDir,
            host: a.host,
            port: a.port,
            awsConfig: a.awsConfig,
            agents: a.agents,
            tracesDir: a.tracesDir,
          },
          (line) => process.stdout.write(`${line}\n`),
        );
        live.store.close();
      },
    )
    .command(
      'submit',
      'submit a job: synthetic, or running the command after -- (an argv array, never a shell)',
      (a) =>
        a
          .option('kind', {
            type: 'string',
            demandOption: true,
            describe: 'training, inference, batch or your own',
          })
          .option('work-hours', {
            type: 'number',
            demandOption: true,
            describe: 'work on a speed-1 instance, hours (a command ends when it exits)',
          })
          .option('deadline-hours', {
            type: 'number',
            describe: 'deadline, hours after submission',
          })
          .option('memory-mb', {
            type: 'number',
            describe: `GPU memory, MB (default ${SUBMISSION_DEFAULTS.memoryMb})`,
          })
          .option('state-mb', {
            type: 'number',
            describe: `checkpoint state, MB (default ${SUBMISSION_DEFAULTS.stateMb})`,
          })
          .option('checkpoint-interval-hours', {
            type: 'number',
            describe: 'periodic checkpoints every so many hours of work (default: at notices only)',
          })
          .options(where),
      async (a) => {
        outcome.out = await submitCommand({
          kind: a.kind,
          workHours: a.workHours,
          deadlineHours: a.deadlineHours,
          memoryMb: a.memoryMb,
          stateMb: a.stateMb,
          checkpointIntervalHours: a.checkpointIntervalHours,
          argv: ((a['--'] as unknown[] | undefined) ?? []).map(String),
          stateDir: a.stateDir,
          url: a.url,
          json: a.json,
        });
      },
    )
    .command(
      'status <job>',
      "a job's status (--json: a status field with live.md's state names)",
      (a) => a.positional('job', { type: 'string', demandOption: true }).options(where),
      async (a) => {
        outcome.out = await statusCommand({
          id: a.job as string,
          stateDir: a.stateDir,
          url: a.url,
          json: a.json,
        });
      },
    )
    .command(
      'jobs',
      'the jobs, in submission order',
      (a) =>
        a.option('state', { type: 'string', describe: 'only jobs in this state' }).options(where),
      async (a) => {
        outcome.out = await jobsCommand({
          state: a.state,
          stateDir: a.stateDir,
          url: a.url,
          json: a.json,
        });
      },
    )
    .command(
      'instances',
      'the instances, in request order, with their market, zone and bill',
      (a) => a.options(where),
      async (a) => {
        outcome.out = await instancesCommand({ stateDir: a.stateDir, url: a.url, json: a.json });
      },
    )
    .command(
      'costs',
      'the bill so far against on demand, per job; --last: of a recent window',
      (a) =>
        a
          .option('last', { type: 'string', describe: 'a window of the run: 7d, 36h, 90m, 45s' })
          .options(where),
      async (a) => {
        outcome.out = await costsCommand({
          last: a.last,
          stateDir: a.stateDir,
          url: a.url,
          json: a.json,
        });
      },
    )
    .command(
      'logs <job>',
      "a job's output (stdout and stderr), from every instance it ran on",
      (a) =>
        a
          .positional('job', { type: 'string', demandOption: true })
          .option('follow', { type: 'boolean', default: false, describe: 'until the job is final' })
          .options(where),
      async (a) => {
        await logsCommand({
          id: a.job as string,
          follow: a.follow,
          stateDir: a.stateDir,
          url: a.url,
          json: a.json,
          write: (text) => process.stdout.write(text),
        });
      },
    )
    .command(
      'cancel <job>',
      'cancel a job',
      (a) => a.positional('job', { type: 'string', demandOption: true }).options(where),
      async (a) => {
        outcome.out = await cancelCommand({
          id: a.job as string,
          stateDir: a.stateDir,
          url: a.url,
          json: a.json,
        });
      },
    )
    .command(
      'dashboard',
      'a one-time login URL for the dashboard, opened in your browser when there is a desktop',
      (a) =>
        a
          .option('open', {
            type: 'boolean',
            default: hasDesktop(),
            describe: 'open it in the browser (--no-open: print it only)',
          })
          .options(where),
      async (a) => {
        outcome.out = await dashboardCommand({
          open: a.open,
          stateDir: a.stateDir,
          url: a.url,
          json: a.json,
        });
      },
    )
    .command(
      'bench',
      'the bench: scenario sweeps, comparisons and the regression gate (synkti bench --help)',
      // main hands `synkti bench …` to the bench before yargs sees it; this lists it in --help.
      (a) => a,
      async () => {
        outcome.code = await benchMain(['--help']);
      },
    );
}
