import { quoteName, SCHEMA_CHANGE_LOCK, type Queryable, type Store } from "./store";

/** One step of the data mart's schema. Versions only grow; a released migration is never edited. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "data mart and service bindings",
    sql: `
      CREATE TABLE data_mart (
        id text PRIMARY KEY,
        database_type text NOT NULL,
        internal_database boolean NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        modified_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE service_bindings (
        guid text PRIMARY KEY,
        name text NOT NULL,
        service_type text NOT NULL,
        instance_id text NOT NULL,
        credentials jsonb NOT NULL,
        request_headers jsonb,
        state text NOT NULL DEFAULT 'active',
        created_at timestamptz NOT NULL DEFAULT now(),
        modified_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (service_type, instance_id)
      );
      CREATE INDEX service_bindings_created_at ON service_bindings (created_at DESC);
    `,
  },
  {
    version: 2,
    name: "subscriptions, monitor configurations, performance metrics, data distributions",
    sql: `
      CREATE TABLE subscriptions (
        guid text PRIMARY KEY,
        binding_guid text NOT NULL REFERENCES service_bindings (guid) ON DELETE CASCADE,
        asset jsonb NOT NULL,
        asset_properties jsonb NOT NULL,
        deployments jsonb NOT NULL,
        payload_table text NOT NULL UNIQUE,
        payload_schema jsonb,
        state text NOT NULL DEFAULT 'active',
        created_at timestamptz NOT NULL DEFAULT now(),
        modified_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX subscriptions_binding_asset ON subscriptions (binding_guid, (asset ->> 'asset_id'));
      CREATE TABLE monitor_configurations (
        subscription_guid text NOT NULL REFERENCES subscriptions (guid) ON DELETE CASCADE,
        monitor text NOT NULL,
        enabled boolean NOT NULL,
        parameters jsonb NOT NULL DEFAULT '{}',
        modified_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (subscription_guid, monitor)
      );
      CREATE TABLE performance_metrics (
        subscription_guid text NOT NULL REFERENCES subscriptions (guid) ON DELETE CASCADE,
        scoring_id text NOT NULL,
        ts timestamptz NOT NULL,
        deployment_id text NOT NULL,
        response_time double precision,
        records integer NOT NULL,
        PRIMARY KEY (subscription_guid, scoring_id)
      );
      CREATE INDEX performance_metrics_ts ON performance_metrics (subscription_guid, ts);
      CREATE TABLE data_distribution_runs (
        id text PRIMARY KEY,
        subscription_guid text NOT NULL REFERENCES subscriptions (guid) ON DELETE CASCADE,
        dataset text NOT NULL,
        request jsonb NOT NULL,
        status text NOT NULL,
        distribution jsonb,
        error jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      );
    `,
  },
  {
    version: 3,
    // Engine secrets leave the clear columns: `credentials` and `request_headers` keep only what get_details shows
    // (secrets masked), the whole credentials JSON is sealed (AES-256-GCM, ./secret-box.ts) in `sealed_credentials`.
    // Rows an earlier version stored in clear (NULL here) are sealed by the service when it opens the data mart.
    name: "service binding credentials sealed at rest",
    sql: `ALTER TABLE service_bindings ADD COLUMN sealed_credentials text`,
  },
  {
    version: 4,
    // One store for what every monitor measures (quality, custom, later fairness and drift). A measurement's metric
    // values are rows of their own, so time series and latest values aggregate in SQL; the limits in force when it
    // was stored are kept with each value, and whether it broke them.
    name: "monitor definitions, monitor runs, measurements",
    sql: `
      CREATE TABLE monitor_definitions (
        guid text PRIMARY KEY,
        name text NOT NULL UNIQUE,
        description text,
        metrics jsonb NOT NULL,
        tags jsonb NOT NULL DEFAULT '[]',
        parameters_schema jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      ALTER TABLE monitor_configurations ADD COLUMN thresholds jsonb NOT NULL DEFAULT '[]';
      CREATE TABLE monitor_runs (
        id text PRIMARY KEY,
        subscription_guid text NOT NULL REFERENCES subscriptions (guid) ON DELETE CASCADE,
        monitor_definition_id text NOT NULL,
        status text NOT NULL,
        parameters jsonb NOT NULL DEFAULT '{}',
        statistics jsonb,
        measurement_id text,
        error jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      );
      CREATE INDEX monitor_runs_subscription ON monitor_runs (subscription_guid, monitor_definition_id, created_at DESC);
      CREATE TABLE measurements (
        id text PRIMARY KEY,
        monitor_definition_id text NOT NULL,
        subscription_guid text NOT NULL REFERENCES subscriptions (guid) ON DELETE CASCADE,
        binding_guid text NOT NULL,
        asset_id text NOT NULL,
        deployment_id text NOT NULL,
        ts timestamptz NOT NULL,
        run_id text,
        process text,
        tags jsonb NOT NULL DEFAULT '[]',
        sources jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX measurements_monitor_ts ON measurements (monitor_definition_id, subscription_guid, ts DESC);
      CREATE TABLE measurement_values (
        measurement_id text NOT NULL REFERENCES measurements (id) ON DELETE CASCADE,
        position integer NOT NULL,
        metric_id text NOT NULL,
        value double precision,
        lower_limit double precision,
        upper_limit double precision,
        violated boolean NOT NULL,
        PRIMARY KEY (measurement_id, metric_id)
      );
    `,
  },
  {
    version: 5,
    // Drift and explainability (and fairness, when given rows) keep the training data's figures here, one row per
    // subscription, so no run needs the training rows again. Explanations are v1's `Explanations` table.
    name: "training statistics, explanations",
    sql: `
      CREATE TABLE training_statistics (
        subscription_guid text PRIMARY KEY REFERENCES subscriptions (guid) ON DELETE CASCADE,
        statistics jsonb NOT NULL,
        computed_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE explanations (
        request_id text PRIMARY KEY,
        subscription_guid text NOT NULL REFERENCES subscriptions (guid) ON DELETE CASCADE,
        transaction_id text NOT NULL,
        asset_id text NOT NULL,
        asset_type text NOT NULL,
        deployment_id text NOT NULL,
        service_binding_id text NOT NULL,
        explanation jsonb,
        error jsonb,
        status text NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      );
      CREATE INDEX explanations_subscription ON explanations (subscription_guid, created_at DESC);
    `,
  },
];

/** Tables the migrations create, newest first: what `dropAll` removes. */
const TABLES = ["explanations", "training_statistics", "measurement_values", "measurements", "monitor_runs", "monitor_definitions", "data_distribution_runs", "performance_metrics", "monitor_configurations", "subscriptions", "service_bindings", "data_mart", "schema_migrations"];

/**
 * Takes SCHEMA_CHANGE_LOCK for the rest of transaction `tx`: several clients may migrate or set up one schema at
 * once. PGlite has a single connection, and its advisory locks delay process exit by 10 s, so the lock is taken on
 * PostgreSQL only.
 */
export async function holdSchemaChangeLock(store: Store, tx: Queryable): Promise<void> {
  if (store.kind === "postgresql") await tx.query("SELECT pg_advisory_xact_lock($1)", [SCHEMA_CHANGE_LOCK]);
}

/** Brings the store's schema up to the newest migration, each step in its own transaction. Safe to run concurrently. */
/** `table` may name its schema (`schema.table`): each part is quoted. */
export async function migrate(store: Store, migrations: readonly Migration[] = MIGRATIONS, table = "schema_migrations"): Promise<number> {
  const name = table.split(".").map(quoteName).join(".");
  const lock = (tx: Queryable) => holdSchemaChangeLock(store, tx);
  await store.transaction(async (tx) => {
    await lock(tx);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS ${name} (
         version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
  });
  let applied = 0;
  for (const migration of migrations) {
    const done = await store.transaction(async (tx) => {
      await lock(tx);
      const rows = await tx.query(`SELECT 1 FROM ${name} WHERE version = $1`, [migration.version]);
      if (rows.length > 0) return false;
      await execute(tx, migration.sql);
      await tx.query(`INSERT INTO ${name} (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
      return true;
    });
    if (done) applied++;
  }
  return applied;
}

/** Removes every table of the data mart (not the schema itself, which may hold the user's other tables). */
export async function dropAll(store: Store): Promise<void> {
  await store.transaction(async (tx) => {
    const [{ present } = { present: false }] = await tx.query<{ present: boolean }>("SELECT to_regclass('subscriptions') IS NOT NULL AS present");
    const subscriptions = present ? await tx.query<{ guid: string; payload_table: string }>("SELECT guid, payload_table FROM subscriptions") : [];
    for (const { guid, payload_table } of subscriptions) {
      await tx.query(`DROP TABLE IF EXISTS ${quoteName(payload_table)}`);
      // Feedback tables are named after their subscription (Feedback_<uid>; ../service/feedback-table.ts).
      await tx.query(`DROP TABLE IF EXISTS ${quoteName(`Feedback_${guid}`)}`);
    }
    for (const table of TABLES) await tx.query(`DROP TABLE IF EXISTS ${table} CASCADE`);
  });
}

async function execute(tx: Queryable, sql: string): Promise<void> {
  for (const statement of sql.split(/;\s*(?:\n|$)/).map((s) => s.trim()).filter(Boolean)) {
    await tx.query(statement);
  }
}
