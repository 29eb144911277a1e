/**
 * The data mart server given bad credentials: expired, forged (another secret, alg none, a tampered payload) and
 * revoked tokens are refused with 401 and a message; a role or data mart claimed in a token signed with the server's
 * own secret changes nothing (the key's row decides); an API key in a query string is refused and, like the bearer
 * token and the token exchange's form body, never reaches the server's log.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { LocalJwtIssuer } from "../../src/auth/jwt";
import { signingSecret } from "../../src/server/api-keys";
import { createApiKey, openServerStore, serve, type RunningServer } from "../../src/server/index";
import { assertV1Error, type Answer } from "../support/served-mart";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "openscale-bad-tokens-"));
const keys: Record<string, { key: string; id: string }> = {};
let secret: Buffer;
let server: RunningServer;
/** Every line the server logged (pino JSON). */
let log = "";

before(async () => {
  const store = await openServerStore({ kind: "embedded", dir });
  for (const role of ["admin", "viewer"]) {
    const created = await createApiKey(store, { role, data_mart_id: "dm1" });
    keys[role] = { key: created.key, id: created.record.id };
  }
  const other = await createApiKey(store, { role: "admin", data_mart_id: "dm2" });
  keys.other = { key: other.key, id: other.record.id };
  secret = await signingSecret(store); // the server reads the same one: it is made once per database
  await store.close();
  const stream = new Writable({ write: (chunk, _encoding, done) => ((log += String(chunk)), done()) });
  server = await serve({ database: { kind: "embedded", dir }, port: 0, logger: { level: "debug", stream } });
});
after(async () => {
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function call(method: string, url: string, options: { token?: string; authorization?: string; body?: unknown; form?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.authorization) headers.authorization = options.authorization;
  let body: string | undefined;
  if (options.form) (headers["content-type"] = "application/x-www-form-urlencoded"), (body = new URLSearchParams(options.form).toString());
  else if (options.body !== undefined) (headers["content-type"] = "application/json"), (body = JSON.stringify(options.body));
  const r = await fetch(`${server.url}${url}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : undefined };
}

const exchange = (apikey: string) => call("POST", "/identity/token", { form: { grant_type: "urn:ibm:params:oauth:grant-type:apikey", apikey } });
async function tokenOf(apikey: string): Promise<string> {
  const r = await exchange(apikey);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.access_token;
}
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8")) as Record<string, unknown>;

describe("the server given bad credentials", () => {
  test("set up dm1", async () => {
    assert.equal((await call("PUT", "/v1/data_marts/dm1", { token: await tokenOf(keys.admin!.key), body: {} })).status, 201);
  });

  test("an expired token (signed with the server's own secret): 401 saying to get a new one", async () => {
    const issuer = new LocalJwtIssuer(secret);
    const expired = issuer.issue({ sub: keys.admin!.id, role: "admin", dm: "dm1", iss: "openscale-ts" }, 3600, Date.now() - 2 * 3600 * 1000).token;
    const r = await call("GET", "/v1/data_marts/dm1", { token: expired });
    assert.match(assertV1Error(r, 401, "expired"), /expired.*POST \/identity\/token/);
    const fresh = issuer.issue({ sub: keys.admin!.id, role: "admin", dm: "dm1", iss: "openscale-ts" }, 60).token;
    assert.equal((await call("GET", "/v1/data_marts/dm1", { token: fresh })).status, 200, "the same token, not expired, passes");
  });

  test("forged tokens: another secret, alg none, a tampered payload or signature, garbage: 401 with a message", async () => {
    const real = await tokenOf(keys.viewer!.key);
    const [head, body, signature] = real.split(".");
    const admin = { ...claimsOf(real), role: "admin" };
    const forged: Record<string, string> = {
      "another secret": new LocalJwtIssuer(Buffer.alloc(32, 7)).issue({ sub: keys.admin!.id, role: "admin", dm: "dm1" }, 3600).token,
      "alg none, no signature": `${b64({ alg: "none", typ: "JWT" })}.${b64(admin)}.`,
      "alg none, the real signature": `${b64({ alg: "none", typ: "JWT" })}.${body}.${signature}`,
      "role tampered, the real signature": `${head}.${b64(admin)}.${signature}`,
      "sub tampered, the real signature": `${head}.${b64({ ...claimsOf(real), sub: keys.admin!.id })}.${signature}`,
      "signature cut": `${head}.${body}.${signature!.slice(0, -2)}`,
      "two parts": `${head}.${body}`,
      "not base64": "@@@.###.$$$",
      "an API key as the token": keys.admin!.key,
    };
    for (const [what, token] of Object.entries(forged)) {
      const message = assertV1Error(await call("GET", "/v1/data_marts/dm1", { token }), 401, what);
      assert.match(message, /not valid|expired/, what);
      assertV1Error(await call("POST", "/v1/data_marts/dm1/api_keys", { token, body: { role: "admin" } }), 401, `${what}: create a key`);
    }
    for (const authorization of ["Bearer", "Bearer ", "Basic YWRtaW46YWRtaW4=", `Token ${real}`, `Bearer ${real} extra`]) {
      assert.match(assertV1Error(await call("GET", "/v1/data_marts/dm1", { authorization }), 401, authorization), /bearer token/);
    }
  });

  test("a role or data mart claimed in a token signed with the real secret cannot escalate: the key's row decides", async () => {
    const issuer = new LocalJwtIssuer(secret);
    const claimingAdmin = issuer.issue({ sub: keys.viewer!.id, role: "admin", dm: "dm1", iss: "openscale-ts" }, 600).token;
    assert.equal((await call("GET", "/v1/data_marts/dm1", { token: claimingAdmin })).status, 200, "it still reads, as a viewer");
    assertV1Error(await call("POST", "/v1/data_marts/dm1/service_bindings", { token: claimingAdmin, body: { name: "x" } }), 403, "a viewer claiming admin writes");
    assertV1Error(await call("GET", "/v1/data_marts/dm1/api_keys", { token: claimingAdmin }), 403, "a viewer claiming admin lists keys");
    const claimingDm1 = issuer.issue({ sub: keys.other!.id, role: "admin", dm: "dm1", iss: "openscale-ts" }, 600).token;
    assertV1Error(await call("GET", "/v1/data_marts/dm1", { token: claimingDm1 }), 404, "dm2's key claiming dm1");
    const noKey = issuer.issue({ sub: "nosuchkey000", role: "admin", dm: "dm1" }, 600).token;
    assertV1Error(await call("GET", "/v1/data_marts/dm1", { token: noKey }), 401, "a key id that names no key");
  });

  test("a revoked key: its token stops at once (401 saying so), and it gets no new token", async () => {
    const admin = await tokenOf(keys.admin!.key);
    const created = await call("POST", "/v1/data_marts/dm1/api_keys", { token: admin, body: { role: "viewer" } });
    assert.equal(created.status, 201);
    const token = await tokenOf(created.body.apikey);
    assert.equal((await call("GET", "/v1/data_marts/dm1", { token })).status, 200);
    assert.equal((await call("DELETE", `/v1/data_marts/dm1/api_keys/${created.body.id}`, { token: admin })).status, 204);
    assert.match(assertV1Error(await call("GET", "/v1/data_marts/dm1", { token }), 401, "revoked"), /revoked/);
    assert.match(assertV1Error(await exchange(created.body.apikey), 400, "exchange of a revoked key"), /could not be found or is revoked/);
    assertV1Error(await call("DELETE", "/v1/data_marts/dm1/api_keys/nosuchkey000", { token: admin }), 404, "revoking no key");
  });

  test("an API key in a query string is refused (400), and no key, token or form body reaches the log", async () => {
    const admin = await tokenOf(keys.admin!.key);
    const secretOf = (key: string) => key.split("_")[2]!;
    const urls = [
      `/v1/data_marts/dm1?apikey=${keys.admin!.key}`,
      `/v1/data_marts/dm1?limit=1&API_KEY=${keys.viewer!.key}`,
      `/v1/data_marts/dm1?ApiKey=${encodeURIComponent(keys.viewer!.key)}`,
      `/v1/data_marts/dm1/scoring_transactions?subscription_id=${keys.other!.key}`,
      `/v1/data_marts/${keys.admin!.key}`,
      `/v1/data_marts/dm1?access_token=${admin}`,
      `/identity/token?apikey=${keys.admin!.key}`,
      `/no/such/route?apikey=${keys.other!.key}`,
    ];
    for (const url of urls) {
      const r = await call(url.startsWith("/identity") ? "POST" : "GET", url, { token: admin });
      assert.match(assertV1Error(r, 400, url), /never go in a URL: send the key in the form body of POST \/identity\/token/);
    }
    await exchange(`${keys.viewer!.key.slice(0, -3)}zzz`); // a wrong key, refused
    await exchange(keys.viewer!.key);
    // A body with a password, refused (an unknown service type) and taken: the log holds neither.
    const credentials = { url: "http://127.0.0.1:1", username: "u", password: "binding-password-42" };
    assert.equal((await call("POST", "/v1/data_marts/dm1/service_bindings", { token: admin, body: { name: "x", service_type: "nope", instance_id: "i", credentials } })).status, 400);
    await call("POST", "/v1/data_marts/dm1/service_bindings", { token: admin, body: { name: "x", service_type: "custom_machine_learning", instance_id: "i", credentials } });
    assert.match(log, /incoming request/, "the log was captured");
    assert.match(log, /\/v1\/data_marts\/dm1/, "with the requests' paths");
    for (const { key } of Object.values(keys)) assert.ok(!log.includes(secretOf(key)), `an API key's secret in the log: ${log.split("\n").find((l) => l.includes(secretOf(key)))}`);
    assert.match(log, /apikey=\*\*\*\*/, "the refused URL is logged, its key cut out");
    assert.ok(!log.includes(admin) && !log.includes(admin.split(".")[2]!), "a bearer token in the log");
    assert.ok(!log.includes("binding-password-42"), "an engine password in the log");
    assert.ok(!log.includes("grant_type"), "the token exchange's form body in the log");
  });
});
