/**
 * @synkti/orchestrator — live mode: the orchestrator, its durable store, the emulated cloud.
 * @packageDocumentation
 */

export {
  Agent,
  type AgentOptions,
  type AgentStatus,
  type AgentTask,
  MAX_CHECKPOINT_BYTES,
  MAX_POLL_MS,
} from './agent/agent.js';
export {
  AGENT_TIMEOUT_MS,
  AgentClient,
  AgentRefusedError,
  AgentUnreachableError,
} from './agent/agent-client.js';
export { ImdsClient, type InstanceAction } from './agent/imds-client.js';
export { AgentS3, checkS3Location, type S3Location } from './agent/s3-checkpoints.js';
export {
  readSyntheticCheckpoint,
  SYNTHETIC_BYTES_PER_MB,
  type SyntheticSpec,
  syntheticFinishesAt,
  syntheticProgressAt,
  writeSyntheticCheckpoint,
} from './agent/synthetic.js';
export { agentSecret, agentUserData, privateAddressAgents } from './aws/agents.js';
export { AWS_META, AwsCloud, type AwsCloudOptions, queueName } from './aws/aws-cloud.js';
export {
  AWS_NOTICE_SECONDS,
  type AwsConfig,
  type AwsConfigFile,
  type AwsRegionConfig,
  awsConfigSchema,
  resolveAwsConfig,
} from './aws/config.js';
export {
  AUTH_CODES,
  awsCode,
  CAPACITY_CODES,
  cloudError,
  RETRY_BASE_MS,
  RETRY_MAX_MS,
  retryStrategy,
} from './aws/errors.js';
export {
  EVENT_TYPES,
  type Parsed,
  parseEventMessage,
  type Received,
  receiveOnce,
} from './aws/events.js';
export { type AgentLocator, AwsRegion, type AwsRegionOptions, TAG } from './aws/region.js';
export {
  awsSetup,
  awsTeardown,
  eventPattern,
  queuePolicy,
  RULES,
  type SetupOptions,
  type SetupStep,
  TARGET_ID,
} from './aws/setup.js';
export { type Clock, DEFAULT_SPEED, ScaledClock, VirtualClock } from './clock.js';
export {
  AGENT_FILE,
  AGENT_PARENT_ENV,
  AGENT_SECRET_ENV,
  type AgentHost,
  InProcessAgents,
  ProcessAgents,
} from './cloud/agent-host.js';
export { type CloudServer, startCloudServer } from './cloud/cloud-server.js';
export { EmulatedCloud, type LedgerCost, type LedgerEntry } from './cloud/emulated-cloud.js';
export { HttpCloud, type ServedLedgerEntry } from './cloud/http-cloud.js';
export {
  type AgentEndpoint,
  CapacityError,
  type CloudDriver,
  CloudError,
  type CloudErrorKind,
  type CloudEvent,
  type CloudInstance,
  type CloudInstanceState,
  type CloudLaunchRequest,
  type CloudProvider,
  type LoggedCloudEvent,
  PermanentCloudError,
  type SpotMarketSnapshot,
  TransientCloudError,
} from './cloud/provider.js';
export {
  AgentDisagreementError,
  AgentWork,
  DEFAULT_TASK_RETRIES,
  UNANSWERED_LIMIT,
} from './core/agents.js';
export { Orchestrator, type OrchestratorOptions } from './core/orchestrator.js';
export { COMPARED, type LiveSummary, summarize } from './core/summary.js';
export {
  type LedgerCloud,
  type LiveRun,
  type RunLiveOptions,
  runLive,
  StoreMismatchError,
} from './run-live.js';
export { checkOwnerOnly, InsecureSecretError, ownerOnlySecret } from './secret-file.js';
export { SERVER_INFO, SERVER_NOW, type ServeMode, type ServerInfo } from './serve.js';
export {
  type CostReport,
  type CostTotals,
  costReport,
  costSamples,
  type JobCost,
  latestCosts,
} from './store/costs.js';
export { CloudInbox, type DeadMessage } from './store/inbox.js';
export { jobLogs, type LogLine } from './store/job-logs.js';
export { JobRequests, type JobSpec, type RequestRow } from './store/requests.js';
export {
  FINAL_JOB_STATES,
  INSTANCE_TRANSITIONS,
  type InstanceRecordState,
  JOB_TRANSITIONS,
  type JobState,
  TransitionError,
} from './store/states.js';
export { type InstanceRow, type JobRow, LiveStore, STORE_FILE } from './store/store.js';
