/**
 * The store's schema as numbered migrations. A database records its version (PRAGMA
 * user_version); opening it applies the migrations after that version, each in its own
 * transaction, in order. Never edit a released migration: add the next one.
 */

/** Migration k (1-based) brings a database from version k − 1 to k. */
export const MIGRATIONS: readonly string[] = [
  // 1: jobs, instances, intents, the journal, and the run's settings.
  `
  CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    position INTEGER NOT NULL UNIQUE,       -- submission order
    kind TEXT NOT NULL,
    work_seconds REAL NOT NULL,
    memory_mb REAL NOT NULL,
    state_mb REAL NOT NULL,
    arrival_seconds REAL NOT NULL,
    deadline_seconds REAL,
    checkpoint_interval_seconds REAL,
    state TEXT NOT NULL,
    reason TEXT NOT NULL,                   -- why it entered its state
    instance_token TEXT,                    -- the instance it is on or assigned to
    base_progress_seconds REAL NOT NULL DEFAULT 0,
    last_checkpoint_seconds REAL NOT NULL DEFAULT 0,
    running_since REAL,                     -- start of the computing stretch, cloud seconds
    starts_at REAL,                         -- when it starts computing on its instance
    last_instance_token TEXT,               -- the instance it last computed on
    last_market TEXT,
    detached_at REAL,
    needs_restore INTEGER NOT NULL DEFAULT 0,
    state_ready_at REAL NOT NULL DEFAULT 0,
    preemptions INTEGER NOT NULL DEFAULT 0,
    recoveries INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    displaced_at REAL,
    completed_at REAL,
    cause TEXT                              -- why it FAILED
  );
  CREATE TABLE instances (
    token TEXT PRIMARY KEY,                 -- idempotency token, written before the cloud call
    cloud_id TEXT UNIQUE,                   -- the cloud's id, once launched
    position INTEGER NOT NULL UNIQUE,       -- request order
    granted_position INTEGER UNIQUE,        -- launch order among granted launches (the view's)
    type TEXT NOT NULL,
    market TEXT NOT NULL,
    state TEXT NOT NULL,
    reason TEXT NOT NULL,
    requested_at REAL NOT NULL,
    launched_at REAL,
    ready_at REAL,
    noticed_at REAL,
    terminate_at REAL,
    ended_at REAL
  );
  CREATE TABLE journal (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    t REAL NOT NULL,                        -- cloud seconds
    what TEXT NOT NULL,                     -- 'job' | 'instance' | 'run'
    id TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT,
    reason TEXT NOT NULL
  );
  CREATE INDEX jobs_state ON jobs (state);
  CREATE INDEX instances_state ON instances (state);
  `,
  // 2: when an instance got a rebalance recommendation.
  `
  ALTER TABLE instances ADD COLUMN rebalance_at REAL;
  `,
  // 3: a real cloud's events as received (store/inbox.ts), and the messages that were not events.
  `
  CREATE TABLE inbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,  -- the CloudDriver's event sequence number
    message_id TEXT NOT NULL UNIQUE,        -- the source's id: a redelivery is a no-op
    received_at_ms INTEGER NOT NULL,        -- wall ms since the epoch
    event TEXT NOT NULL                     -- the CloudEvent, JSON
  );
  CREATE TABLE dead_messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id TEXT NOT NULL UNIQUE,
    received_at_ms INTEGER NOT NULL,
    source TEXT NOT NULL,                   -- where it came from (the queue's URL)
    reason TEXT NOT NULL,                   -- why it is not an event: field path, expected, found
    body TEXT NOT NULL                      -- the raw body, as received
  );
  `,
  // 4: a server's runtime (synkti serve): requests to submit and cancel jobs, a job's own
  // command, which instances each job was on and when (to share an instance's cost among its
  // jobs), the jobs' output lines, and the cloud's bill as the run goes.
  `
  CREATE TABLE requests (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,                     -- 'submit' | 'cancel'
    job_id TEXT NOT NULL,
    body TEXT,                              -- submit: the job's spec, JSON
    received_at_ms INTEGER NOT NULL,        -- wall ms since the epoch
    handled_at REAL,                        -- cloud seconds, once the orchestrator took it
    outcome TEXT                            -- what became of it
  );
  CREATE INDEX requests_unhandled ON requests (handled_at, seq);
  ALTER TABLE jobs ADD COLUMN argv TEXT;    -- the job's command, a JSON array; NULL: synthetic
  CREATE TABLE stretches (
    job_id TEXT NOT NULL,
    instance_token TEXT NOT NULL,
    from_t REAL NOT NULL,                   -- cloud seconds: placed on the instance
    to_t REAL,                              -- cloud seconds: left it (NULL: still on it)
    PRIMARY KEY (job_id, instance_token, from_t)
  );
  CREATE INDEX stretches_instance ON stretches (instance_token);
  CREATE TABLE job_logs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id TEXT NOT NULL,
    instance_token TEXT NOT NULL,           -- the instance whose agent printed it
    t REAL NOT NULL,                        -- cloud seconds, when the orchestrator read it
    line TEXT NOT NULL
  );
  CREATE INDEX job_logs_job ON job_logs (job_id, seq);
  CREATE TABLE cost_samples (
    t REAL PRIMARY KEY,                     -- cloud seconds
    spot_usd REAL NOT NULL,                 -- billed so far, USD
    on_demand_usd REAL NOT NULL,
    counterfactual_usd REAL NOT NULL        -- the same instance time at on-demand prices, USD
  );
  ALTER TABLE instances ADD COLUMN billed_usd REAL;
  ALTER TABLE instances ADD COLUMN counterfactual_usd REAL;
  `,
];
