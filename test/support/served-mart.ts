/**
 * A data mart server on PostgreSQL (startTestPostgres) with one data mart set up over HTTP, a binding to the local
 * custom engine and the credit-risk subscription, plus a second data mart (another key's): for tests that send the
 * server bad requests and check what it answers and what it stored.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { APIClient, CustomMachineLearningInstance, generateCreditRisk, rowsOf, startLocalEngines, type LocalEngines } from "../../src/index";
import { createApiKey, openServerStore, serve, type RunningServer } from "../../src/server/index";
import { tokenFor } from "./api-token";
import { creditAsset } from "./credit-asset";
import { startTestPostgres, type TestPostgres } from "./postgres";
import { RecordingOutput } from "./recording-output";

export interface Answer {
  status: number;
  /** The parsed JSON answer (undefined when empty; the text when not JSON). */
  body: any;
}

export interface ServedMart {
  url: string;
  dm: string;
  /** A data mart of another key, set up, with a binding of its own. */
  otherDm: string;
  postgres: TestPostgres;
  engines: LocalEngines;
  /** API keys by role for `dm` ("other": the admin of `otherDm`; "unset": an admin of a data mart never set up). */
  keys: Record<"admin" | "editor" | "viewer" | "ingest" | "other" | "unset", string>;
  binding_uid: string;
  other_binding_uid: string;
  subscription_uid: string;
  features: string[];
  /** A token for a key (cached per key). */
  token(key: string): Promise<string>;
  /** A request: a `body` object is sent as JSON, a `raw` string as it is, with `contentType` (default JSON). */
  call(method: string, path: string, options?: { key?: string; token?: string; body?: unknown; raw?: string | Buffer; contentType?: string }): Promise<Answer>;
  /** A payload record of `rows` credit-risk rows for the subscription. */
  record(scoring_id: string, rows?: number, seed?: number): Record<string, any>;
  /** The subscription's stored payload rows (scoring_transactions' total_count). */
  payloadRows(): Promise<number>;
  /** The subscription's stored feedback rows. */
  feedbackRows(): Promise<number>;
  stop(): Promise<void>;
}

export async function startServedMart(label: string, options: { logger?: boolean | object; postgres?: TestPostgres } = {}): Promise<ServedMart> {
  const previousKey = process.env.OPENSCALE_SECRET_KEY;
  process.env.OPENSCALE_SECRET_KEY = randomBytes(32).toString("base64"); // seals the binding's engine credentials
  const postgres = options.postgres ?? (await startTestPostgres());
  const engines = await startLocalEngines();
  const dm = `${label}${process.pid}`;
  const otherDm = `${dm}b`;
  const store = await openServerStore({ kind: "postgresql", credentials: postgres.url });
  const keys = {} as ServedMart["keys"];
  for (const role of ["admin", "editor", "viewer", "ingest"] as const) keys[role] = (await createApiKey(store, { role, data_mart_id: dm })).key;
  keys.other = (await createApiKey(store, { role: "admin", data_mart_id: otherDm })).key;
  keys.unset = (await createApiKey(store, { role: "admin", data_mart_id: `${dm}unset` })).key;
  await store.close();
  let server: RunningServer | undefined = await serve({ database: { kind: "postgresql", credentials: postgres.url }, port: 0, logger: options.logger ?? false });
  const url = server.url;

  const remote = async (key: string, instance_guid: string) => {
    const client = new APIClient({ url, apikey: key, instance_guid }, new RecordingOutput());
    await client.data_mart.setup();
    const binding = await client.data_mart.bindings.add("engine", new CustomMachineLearningInstance(engines.custom));
    return { client, binding };
  };
  // The other data mart first: PGlite over the wire has one session for every connection, so the search_path a
  // data mart's connection sets last wins; the tests never reach into the other data mart after this.
  const other = await remote(keys.other, otherDm);
  await other.client.close();
  const mine = await remote(keys.admin, dm);
  const subscription_uid = (await mine.client.data_mart.subscriptions.add(creditAsset(mine.binding))).uid;
  await mine.client.close();

  const tokens = new Map<string, Promise<string>>();
  const token = (key: string) => {
    if (!tokens.has(key)) tokens.set(key, tokenFor(url, key));
    return tokens.get(key)!;
  };
  const call: ServedMart["call"] = async (method, path, o = {}) => {
    const headers: Record<string, string> = {};
    const bearer = o.token ?? (o.key ? await token(o.key) : undefined);
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    let body: string | Buffer | undefined = o.raw;
    if (body === undefined && o.body !== undefined) body = JSON.stringify(o.body);
    if (body !== undefined) headers["content-type"] = o.contentType ?? "application/json";
    const response = await fetch(`${url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    let parsed: unknown = text === "" ? undefined : text;
    try {
      parsed = text === "" ? undefined : JSON.parse(text);
    } catch {
      // not JSON: the text itself
    }
    return { status: response.status, body: parsed };
  };
  const rows = rowsOf(generateCreditRisk({ rows: 50, seed: 11 }));
  const features = Object.keys(rows[0]!).filter((f) => f !== "Risk");
  const record = (scoring_id: string, n = 3, seed = 0) => ({
    subscription_id: subscription_uid,
    scoring_id,
    request: { fields: [...features], values: rows.slice(seed, seed + n).map((r) => features.map((f) => r[f])) },
    response: { fields: ["prediction", "probability"], values: rows.slice(seed, seed + n).map(() => ["No Risk", [0.8, 0.2]]) },
    response_time: 7,
  });
  const count = async (path: string) => {
    const r = await call("GET", path, { key: keys.admin });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.total_count as number;
  };
  return {
    url,
    dm,
    otherDm,
    postgres,
    engines,
    keys,
    binding_uid: mine.binding,
    other_binding_uid: other.binding,
    subscription_uid,
    features,
    token,
    call,
    record,
    payloadRows: () => count(`/v1/data_marts/${dm}/scoring_transactions?subscription_id=${subscription_uid}&limit=0&include_total_count=true`),
    feedbackRows: () => count(`/v1/data_marts/${dm}/subscriptions/${subscription_uid}/feedback_payloads?limit=0&include_total_count=true`),
    stop: async () => {
      // The data marts' schemas go (on a shared PostgreSQL server they would pile up); the other one last (PGlite's one session).
      for (const [key, id] of [[keys.admin, dm], [keys.other, otherDm]] as const) await call("DELETE", `/v1/data_marts/${id}`, { key }).catch(() => undefined);
      await server?.close();
      server = undefined;
      await engines.stop();
      if (!options.postgres) await postgres.stop();
      if (previousKey === undefined) delete process.env.OPENSCALE_SECRET_KEY;
      else process.env.OPENSCALE_SECRET_KEY = previousKey;
    },
  };
}


/** Asserts v1's error shape with `status`, and returns the messages joined (for matching). */
export function assertV1Error(answer: Answer, status: number, what: string): string {
  assert.equal(answer.status, status, `${what}: ${JSON.stringify(answer.body)}`);
  const body = answer.body as { errors?: { code: string; message: string }[]; trace?: string; status_code?: number };
  assert.ok(Array.isArray(body?.errors) && body.errors.length > 0, `${what}: no errors array in ${JSON.stringify(body)}`);
  for (const e of body.errors!) assert.ok(typeof e.code === "string" && typeof e.message === "string" && e.message.length > 0, `${what}: ${JSON.stringify(e)}`);
  assert.equal(typeof body.trace, "string", `${what}: trace`);
  assert.equal(body.status_code, status, `${what}: status_code`);
  return body.errors!.map((e) => e.message).join("\n");
}
