/**
 * The data mart server's keys, tokens and roles, over HTTP against an embedded server: the IAM-style exchange (also
 * through ibm-cloud-sdk-core's IamAuthenticator), the role matrix, another data mart's resources hidden (404),
 * revoked keys stopping at once, forged and missing tokens, keys in URLs refused, v1's error shape and the body limit.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { IamAuthenticator } from "ibm-cloud-sdk-core";
import { LocalJwtIssuer } from "../../src/auth/jwt";
import { createApiKey, openServerStore, serve, type RunningServer } from "../../src/server/index";
import { ROUTES } from "../../src/service/routes";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "openscale-server-"));
const keys: Record<string, string> = {};
let server: RunningServer;

async function call(method: string, url: string, options: { token?: string; body?: unknown; form?: Record<string, string> } = {}): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.form) (headers["content-type"] = "application/x-www-form-urlencoded"), (body = new URLSearchParams(options.form).toString());
  else if (options.body !== undefined) (headers["content-type"] = "application/json"), (body = JSON.stringify(options.body));
  const response = await fetch(`${server.url}${url}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function tokenOf(apikey: string): Promise<string> {
  const r = await call("POST", "/identity/token", { form: { grant_type: "urn:ibm:params:oauth:grant-type:apikey", apikey } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.access_token;
}

before(async () => {
  const store = await openServerStore({ kind: "embedded", dir });
  for (const role of ["admin", "editor", "viewer", "ingest"]) keys[role] = (await createApiKey(store, { role, data_mart_id: "dm1" })).key;
  keys.other = (await createApiKey(store, { role: "admin", data_mart_id: "dm2" })).key;
  await store.close();
  server = await serve({ database: { kind: "embedded", dir }, port: 0, logger: false });
});
after(async () => {
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("the data mart server: keys, tokens, roles", () => {
  test("the IAM exchange, by hand and through IamAuthenticator; a wrong key is refused", async () => {
    const r = await call("POST", "/identity/token", { form: { grant_type: "urn:ibm:params:oauth:grant-type:apikey", apikey: keys.admin! } });
    assert.equal(r.status, 200);
    assert.equal(r.body.token_type, "Bearer");
    assert.equal(r.body.expires_in, 3600);
    const wrong = await call("POST", "/identity/token", { form: { grant_type: "urn:ibm:params:oauth:grant-type:apikey", apikey: keys.admin!.slice(0, -2) + "xx" } });
    assert.equal(wrong.status, 400);
    assert.ok(Array.isArray(wrong.body.errors) && typeof wrong.body.trace === "string", "v1's error shape");
    const authenticator = new IamAuthenticator({ apikey: keys.viewer!, url: server.url });
    const request: { headers: Record<string, string> } = { headers: {} };
    await authenticator.authenticate(request);
    assert.match(request.headers.Authorization!, /^Bearer /);
    const read = await call("GET", "/v1/data_marts/dm1/service_bindings", { token: request.headers.Authorization!.slice(7) });
    assert.notEqual(read.status, 401);
  });

  test("every role × a read, a write, a key operation, another data mart", async () => {
    const admin = await tokenOf(keys.admin!);
    assert.equal((await call("PUT", "/v1/data_marts/dm1", { token: admin, body: {} })).status, 201, "set up");
    assert.equal((await call("PUT", "/v1/data_marts/dm1", { token: admin, body: {} })).status, 200, "set up already");
    const expected: Record<string, [number, number, number, number]> = {
      // read, write (an invalid binding: 400 means it was let through), keys, another data mart
      admin: [200, 400, 200, 404],
      editor: [200, 400, 403, 404],
      viewer: [200, 403, 403, 404],
      ingest: [403, 403, 403, 404],
    };
    for (const [role, [read, write, keyOp, other]] of Object.entries(expected)) {
      const token = await tokenOf(keys[role]!);
      assert.equal((await call("GET", "/v1/data_marts/dm1/service_bindings", { token })).status, read, `${role} read`);
      assert.equal((await call("POST", "/v1/data_marts/dm1/service_bindings", { token, body: { name: "x" } })).status, write, `${role} write`);
      assert.equal((await call("GET", "/v1/data_marts/dm1/api_keys", { token })).status, keyOp, `${role} keys`);
      assert.equal((await call("GET", "/v1/data_marts/dm2", { token })).status, other, `${role} another data mart`);
      const ingestStatus = (await call("POST", "/v1/data_marts/dm1/scoring_payloads", { token, body: [] })).status;
      assert.equal(ingestStatus === 403, role === "viewer", `${role} payload logging: ${ingestStatus}`);
    }
    const invalid = await call("POST", "/v1/data_marts/dm1/service_bindings", { token: admin, body: { name: "x" } });
    assert.ok(invalid.body.errors.some((e: { target?: { name: string } }) => e.target?.name), "a 400 names the field");
  });

  test("no token, a forged token, a revoked key, an API key in a URL, a body over the limit", async () => {
    assert.equal((await call("GET", "/v1/data_marts/dm1")).status, 401);
    const forged = new LocalJwtIssuer(Buffer.alloc(32, 7)).issue({ sub: "x", role: "admin", dm: "dm1" }, 3600).token;
    assert.equal((await call("GET", "/v1/data_marts/dm1", { token: forged })).status, 401);
    const admin = await tokenOf(keys.admin!);
    const created = await call("POST", "/v1/data_marts/dm1/api_keys", { token: admin, body: { role: "viewer" } });
    assert.equal(created.status, 201);
    const viewer = await tokenOf(created.body.apikey);
    assert.equal((await call("GET", "/v1/data_marts/dm1", { token: viewer })).status, 200);
    assert.equal((await call("DELETE", `/v1/data_marts/dm1/api_keys/${created.body.id}`, { token: admin })).status, 204);
    assert.equal((await call("GET", "/v1/data_marts/dm1", { token: viewer })).status, 401, "revoked: stops at once");
    const listed = await call("GET", "/v1/data_marts/dm1/api_keys", { token: admin });
    assert.ok(listed.body.api_keys.every((k: Record<string, unknown>) => !("apikey" in k) && !("secret_hash" in k)), "keys are never shown again");
    assert.equal((await call("GET", `/v1/data_marts/dm1?apikey=${keys.admin}`, { token: admin })).status, 400);
    const big = await fetch(`${server.url}/v1/data_marts/dm1/scoring_payloads`, { method: "POST", headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" }, body: "[" + "0,".repeat(17_000_000) + "0]" });
    assert.equal(big.status, 413);
  });

  test("the OpenAPI document lists every route of the table, with its parameters and the error shape", async () => {
    const r = await call("GET", "/openapi.json");
    assert.equal(r.status, 200);
    assert.equal(r.body.openapi, "3.1.0");
    const operations = Object.values(r.body.paths as Record<string, Record<string, { operationId: string }>>).flatMap((p) => Object.values(p).map((o) => o.operationId));
    for (const route of ROUTES) assert.ok(operations.includes(route.method), route.method);
    const post = r.body.paths["/v1/data_marts/{dm}/scoring_payloads"].post;
    assert.equal(post["x-openscale-access"], "ingest");
    assert.ok(r.body.paths["/v1/data_marts/{dm}/service_bindings/{b}/subscriptions/{s}/configurations/{monitor}"].put, "v1's nested form");
    assert.deepEqual(Object.keys(r.body.components.schemas.Error.properties).sort(), ["errors", "status_code", "trace"]);
    const binding = r.body.paths["/v1/data_marts/{dm}/service_bindings"].post.requestBody.content["application/json"].schema;
    assert.deepEqual(binding, { $ref: "#/components/schemas/ServiceBindingRequest" });
    const schema = r.body.components.schemas.ServiceBindingRequest;
    assert.deepEqual([...schema.required].sort(), ["credentials", "instance_id", "name", "service_type"], "from the zod schema that checks the body");
    assert.ok(schema.properties.service_type.enum.includes("custom_machine_learning"));
    assert.ok(r.body.components.schemas.DataDistributionRequest.properties.group, "the data distribution request too");
  });
});
