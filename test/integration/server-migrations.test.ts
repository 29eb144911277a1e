/**
 * Several servers over one PostgreSQL start at once on a fresh database, as a team's servers behind a load balancer
 * do after a deploy: each migrates the server's tables at start, and each sets up the same new data mart when its
 * first request comes. `CREATE … IF NOT EXISTS` alone is not atomic (two sessions both find nothing and one fails on
 * the catalog's unique index), so these steps run under an advisory lock; here every server must come up, the
 * migrations be recorded once, and the servers then act as one (a token from one is good at the others, a binding
 * added through one is listed by the others). Server processes start hundreds of milliseconds apart, so the race
 * is also run in one process, where the openings meet within a millisecond (without the lock most rounds fail).
 * Without OPENSCALE_TEST_POSTGRES_URL the database is PGlite over the wire, one session for every connection
 * (concurrent statements would interleave in it, and servers racing there hung now and then): there the openings,
 * the server starts and the setups run one at a time, and only what follows (acting as one) is the same test.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import pg from "pg";
import { APIClient, CustomMachineLearningInstance, startLocalEngines, StateError, type LocalEngines } from "../../src/index";
import { createApiKey, openServerStore, revokeApiKey, serve, type RunningServer } from "../../src/server/index";
import { tokenFor as tokenAt } from "../support/api-token";
import { freshDatabase, type FreshDatabase } from "../support/postgres";
import { RecordingOutput } from "../support/recording-output";
import { startServerProcess, type ServerProcess } from "../support/server-process";

const REAL = process.env.OPENSCALE_TEST_POSTGRES_URL !== undefined;
const OPENERS = REAL ? 4 : 1;
const SERVERS = 3;
const ROUNDS = 2;
const secretKey = randomBytes(32).toString("base64");
let engines: LocalEngines;

before(async () => {
  engines = await startLocalEngines();
});
after(async () => {
  await engines?.stop();
});

/** `count` calls of `make`, each started when the one before has ended (for PGlite over the wire: one session). */
async function oneAtATime<T>(count: number, make: (index: number) => Promise<T>): Promise<PromiseSettledResult<T>[]> {
  const settled: PromiseSettledResult<T>[] = [];
  for (let i = 0; i < count; i++) settled.push(await make(i).then((value) => ({ status: "fulfilled" as const, value }), (reason: unknown) => ({ status: "rejected" as const, reason })));
  return settled;
}

async function countRows(url: string, sql: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Number((await client.query<{ n: string }>(sql)).rows[0]!.n);
  } finally {
    await client.end();
  }
}

test("server databases and data marts opened at once on a fresh database: each migration runs once, none fails", async () => {
  for (let round = 0; round < 3; round++) {
    const database = await freshDatabase("open_race");
    try {
      const opened = await Promise.allSettled(Array.from({ length: OPENERS }, () => openServerStore({ kind: "postgresql", credentials: database.url })));
      await Promise.all(opened.map((o) => (o.status === "fulfilled" ? o.value.close() : undefined)));
      assert.deepEqual(opened.flatMap((o) => (o.status === "rejected" ? [String(o.reason)] : [])), [], `round ${round}: every server store opens`);
      const clients = Array.from({ length: OPENERS }, () => new APIClient({ in_memory: true }, new RecordingOutput()));
      const setups = await Promise.allSettled(clients.map((c) => c.data_mart.setup({ db_credentials: database.url, schema: "dm_race" })));
      await Promise.all(clients.map((c) => c.close()));
      assert.deepEqual(setups.flatMap((s) => (s.status === "rejected" ? [String(s.reason)] : [])), [], `round ${round}: every data mart setup succeeds`);
      assert.equal(await countRows(database.url, "SELECT count(*) AS n FROM openscale_server.server_migrations"), 1);
      assert.equal(await countRows(database.url, "SELECT count(*) - count(DISTINCT version) AS n FROM dm_race.schema_migrations"), 0);
      assert.equal(await countRows(database.url, "SELECT count(*) AS n FROM dm_race.data_mart"), 1, "one data mart row");
    } finally {
      await database.drop();
    }
  }
});

test(`${SERVERS} servers started at once on a fresh database all come up and act as one (${ROUNDS} rounds)`, { timeout: 180_000 }, async () => {
  for (let round = 0; round < ROUNDS; round++) {
    const database: FreshDatabase = await freshDatabase("server_race");
    const servers: ServerProcess[] = [];
    const clients: APIClient[] = [];
    try {
      const start = () => startServerProcess({ db: database.url, env: { OPENSCALE_SECRET_KEY: secretKey } });
      const started = REAL ? await Promise.allSettled(Array.from({ length: SERVERS }, start)) : await oneAtATime(SERVERS, start);
      for (const s of started) if (s.status === "fulfilled") servers.push(s.value);
      const failures = started.flatMap((s) => (s.status === "rejected" ? [String(s.reason)] : []));
      assert.deepEqual(failures, [], `round ${round}: every server starts`);
      assert.equal(await countRows(database.url, "SELECT count(*) AS n FROM openscale_server.server_migrations"), 1, "the server migration is recorded once");
      assert.equal(await countRows(database.url, "SELECT count(*) AS n FROM openscale_server.server_secrets"), 1, "one token signing secret for all");

      const store = await openServerStore({ kind: "postgresql", credentials: database.url });
      const { key } = await createApiKey(store, { role: "admin", data_mart_id: "team" });
      await store.close();
      // The same new data mart set up through every server at the same moment.
      for (const server of servers) clients.push(new APIClient({ url: server.url, apikey: key, instance_guid: "team" }, new RecordingOutput()));
      const setups = REAL ? await Promise.allSettled(clients.map((c) => c.data_mart.setup())) : await oneAtATime(clients.length, (i) => clients[i]!.data_mart.setup());
      assert.deepEqual(setups.flatMap((s) => (s.status === "rejected" ? [String(s.reason)] : [])), [], `round ${round}: every setup succeeds`);
      const versions = await countRows(database.url, "SELECT count(*) AS n FROM dm_team.schema_migrations");
      assert.equal(await countRows(database.url, "SELECT count(DISTINCT version) AS n FROM dm_team.schema_migrations"), versions, "each data mart migration recorded once");
      assert.equal(await countRows(database.url, "SELECT count(*) AS n FROM dm_team.data_mart"), 1, "one data mart row");

      const binding_uid = await clients[0]!.data_mart.bindings.add("shared engine", new CustomMachineLearningInstance(engines.custom));
      for (const client of clients) assert.deepEqual(await client.data_mart.bindings.get_uids(), [binding_uid]);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
      await Promise.all(servers.map((s) => s.stop("SIGTERM")));
      await database.drop();
    }
  }
});

test("servers keep no state of their own: a data mart set up or deleted through one is seen so by the others at once", async () => {
  const database = await freshDatabase("server_state");
  const previousKey = process.env.OPENSCALE_SECRET_KEY;
  process.env.OPENSCALE_SECRET_KEY = secretKey;
  const servers: RunningServer[] = [];
  try {
    // In this process, one after the other: over PGlite (one session), two servers' statements must not interleave.
    for (let i = 0; i < 2; i++) servers.push(await serve({ database: { kind: "postgresql", credentials: database.url }, port: 0, logger: false }));
    const store = await openServerStore({ kind: "postgresql", credentials: database.url });
    const { key } = await createApiKey(store, { role: "admin", data_mart_id: "shared" });
    await store.close();
    const [a, b] = servers.map((s) => new APIClient({ url: s.url, apikey: key, instance_guid: "shared" }, new RecordingOutput())) as [APIClient, APIClient];
    const notSetUp = (e: unknown) => e instanceof StateError && /not set up/.test((e as Error).message);
    await assert.rejects(a.data_mart.bindings.list(), notSetUp, "A: not set up yet");
    await b.data_mart.setup();
    const binding_uid = await a.data_mart.bindings.add("engine", new CustomMachineLearningInstance(engines.custom));
    assert.deepEqual(await b.data_mart.bindings.get_uids(), [binding_uid], "A sees the data mart B set up, B the binding A added");
    await b.data_mart.delete({ background_mode: false });
    await assert.rejects(a.data_mart.bindings.list(), notSetUp, "A: deleted through B, so not set up (not a database fault)");
    await a.data_mart.setup();
    assert.deepEqual(await b.data_mart.bindings.get_uids(), [], "B sees the new, empty data mart A set up");
  } finally {
    await Promise.all(servers.map((s) => s.close()));
    if (previousKey === undefined) delete process.env.OPENSCALE_SECRET_KEY;
    else process.env.OPENSCALE_SECRET_KEY = previousKey;
    await database.drop();
  }
});

test("servers keep active keys in memory, yet a key revoked through another server or the command line stops at once", async () => {
  const database = await freshDatabase("server_keys");
  const servers: RunningServer[] = [];
  try {
    for (let i = 0; i < 2; i++) servers.push(await serve({ database: { kind: "postgresql", credentials: database.url }, port: 0, logger: false }));
    const store = await openServerStore({ kind: "postgresql", credentials: database.url });
    const { key: admin } = await createApiKey(store, { role: "admin", data_mart_id: "keys" });
    const viewers = [(await createApiKey(store, { role: "viewer", data_mart_id: "keys" })).key, (await createApiKey(store, { role: "viewer", data_mart_id: "keys" })).key];
    const status = async (url: string, token: string) => (await fetch(`${url}/v1/data_marts/keys/api_keys`, { headers: { authorization: `Bearer ${token}` } })).status;
    const [a, b] = servers.map((s) => s.url) as [string, string];
    const viewerTokens = await Promise.all(viewers.map((v) => tokenAt(a, v)));
    // The keys are in A's memory now (several requests each), with tokens A and B both accept.
    for (const token of viewerTokens) for (let i = 0; i < 3; i++) assert.equal(await status(a, token), 403, "a viewer may not manage keys: its key was found");
    const listed = (await (await fetch(`${b}/v1/data_marts/keys/api_keys`, { headers: { authorization: `Bearer ${await tokenAt(b, admin)}` } })).json()) as { api_keys: { id: string }[] };
    const ids = viewers.map((v) => v.split("_")[1]!);
    assert.ok(ids.every((id) => listed.api_keys.some((k) => k.id === id)));
    // Revoked through server B, then through the command line's code (no server at all): A stops at once.
    assert.equal((await fetch(`${b}/v1/data_marts/keys/api_keys/${ids[0]}`, { method: "DELETE", headers: { authorization: `Bearer ${await tokenAt(b, admin)}` } })).status, 204);
    await revokeApiKey(store, ids[1]!);
    const refused = async (token: string, what: string) => {
      const deadline = Date.now() + 1000; // a notice travels in milliseconds; this only bounds a failure
      let answer = await status(a, token);
      while (answer !== 401 && Date.now() < deadline) answer = await status(a, token);
      assert.equal(answer, 401, what);
    };
    for (const token of viewerTokens) await refused(token, "the revoked key's token is refused by the server that kept the key");
    if (REAL) {
      // The listening connection cut by the database: the server listens again, and a later revocation is heard.
      const { key: third } = await createApiKey(store, { role: "viewer", data_mart_id: "keys" });
      const token = await tokenAt(a, third);
      assert.equal(await status(a, token), 403);
      assert.ok((await countRows(database.url, "SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'")) >= 2, "both servers listen");
      await new Promise((resolve) => setTimeout(resolve, 1500));
      for (let i = 0; i < 3; i++) assert.equal(await status(a, token), 403);
      await revokeApiKey(store, third.split("_")[1]!);
      await refused(token, "revoked after the server listened again");
    }
    await store.close();
  } finally {
    await Promise.all(servers.map((s) => s.close()));
    await database.drop();
  }
});
