import assert from "node:assert/strict";
import { inspect } from "node:util";
import { after, before, describe, test } from "node:test";
import axios from "axios";
import { IamAuthenticator } from "ibm-cloud-sdk-core";
import { EngineAuthenticationError, EngineRequestError } from "../../src/engines/errors";
import { EngineHttp } from "../../src/engines/http";
import { WatsonMachineLearningAdapter } from "../../src/engines/watson-machine-learning/adapter";
import { IamTokenManager } from "../../src/engines/watson-machine-learning/iam-token";
import { generateCreditRisk } from "../../src/datasets/index";
import { modelZoo } from "../../src/local-engines/models/model-zoo";
import { startLocalWmlEngine, type LocalWmlEngine } from "../../src/local-engines/watson-machine-learning/wml-engine";
import { APIClient, WatsonMachineLearningInstance } from "../../src/index";
import { RecordingOutput } from "../support/recording-output";

let wml: LocalWmlEngine;
before(async () => {
  const zoo = modelZoo(42);
  wml = await startLocalWmlEngine({
    deployments: [
      { name: "credit deployment", model_name: "credit model", model: zoo.creditRisk },
      { name: "iris deployment", model_name: "iris model", model: zoo.iris },
    ],
  });
});
after(() => wml.stop());

const rows = generateCreditRisk({ rows: 3, seed: 9 });

describe("Watson ML adapter against the local WML engine", () => {
  test("lists deployments with their models and frameworks", async () => {
    const deployments = await new WatsonMachineLearningAdapter(wml.credentials).listDeployments();
    assert.deepEqual(deployments.map((d) => d.name).sort(), ["credit deployment", "iris deployment"]);
    const credit = deployments.find((d) => d.name === "credit deployment")!;
    assert.equal(credit.asset.name, "credit model");
    assert.deepEqual(credit.asset.frameworks, ["scikit-learn_1.1"]);
    assert.equal(credit.deployment_type, "online");
    assert.equal(credit.scoring_url, `${wml.credentials.url}/ml/v4/deployments/${credit.deployment_id}/predictions`);
  });

  test("scores input_data and normalises predictions to {fields, values}", async () => {
    const adapter = new WatsonMachineLearningAdapter(wml.credentials);
    const [credit] = (await adapter.listDeployments()).filter((d) => d.name === "credit deployment");
    const out = await adapter.score(credit!, { fields: rows.fields, values: rows.values });
    assert.deepEqual(out.fields, ["prediction", "probability"]);
    assert.equal(out.values.length, 3);
    assert.ok(["Risk", "No Risk"].includes(out.values[0]![0] as string));
  });

  test("one IAM token serves many calls", async () => {
    const adapter = new WatsonMachineLearningAdapter(wml.credentials);
    await Promise.all([adapter.listDeployments(), adapter.listDeployments(), adapter.listDeployments()]);
    await adapter.listDeployments();
    assert.equal(adapter.tokens.exchanges, 1);
  });

  test("the token is renewed before it expires", async () => {
    let now = Date.now();
    const manager = new IamTokenManager(new EngineHttp({ engine: "watson_machine_learning" }), wml.credentials.apikey, wml.credentials.iam_url, () => now);
    const first = await manager.get();
    now += 30 * 60_000;
    assert.equal(await manager.get(), first, "fresh at half its life");
    now += 20 * 60_000;
    const second = await manager.get();
    assert.equal(manager.exchanges, 2, "renewed in the last fifth of its life");
    assert.ok(second.length > 20);
  });

  test("a wrong API key is an authentication error that never shows the key", async () => {
    const err = await new WatsonMachineLearningAdapter({ ...wml.credentials, apikey: "wrong-api-key-123456" }).listDeployments().catch((e: unknown) => e);
    assert.ok(err instanceof EngineAuthenticationError, String(err));
    assert.match(err.message, /IAM rejected the API key/);
    assert.match(err.message, /Provided API key could not be found/);
    assert.ok(!inspect(err, { depth: 10, showHidden: true }).includes("wrong-api-key-123456"));
  });

  test("missing space_id says to add it", async () => {
    const { space_id: _, ...credentials } = wml.credentials;
    const err = await new WatsonMachineLearningAdapter(credentials).listDeployments().catch((e: unknown) => e);
    assert.ok(err instanceof EngineRequestError);
    assert.match(err.message, /add space_id to the credentials/);
  });
});

describe("the local WML engine behaves like the real service", () => {
  test("IBM's own IamAuthenticator (ibm-cloud-sdk-core) gets a token the engine accepts", async () => {
    const authenticator = new IamAuthenticator({ apikey: wml.credentials.apikey, url: wml.credentials.iam_url });
    const request: { headers: Record<string, string> } = { headers: {} };
    await authenticator.authenticate(request);
    assert.match(request.headers.Authorization!, /^Bearer ey/);
    const res = await axios.get(`${wml.credentials.url}/ml/v4/deployments`, {
      params: { space_id: wml.credentials.space_id, version: "2020-09-01" },
      headers: request.headers,
    });
    assert.equal(res.data.resources.length, 2);
    const bad = new IamAuthenticator({ apikey: "not-the-key", url: wml.credentials.iam_url });
    await assert.rejects(bad.authenticate({ headers: {} }));
  });

  test("rejects missing, forged and expired tokens, and calls without version", async () => {
    const list = (headers: Record<string, string>, params: Record<string, string> = { space_id: wml.credentials.space_id!, version: "2020-09-01" }) =>
      axios.get(`${wml.credentials.url}/ml/v4/deployments`, { headers, params, validateStatus: () => true });
    assert.equal((await list({})).status, 401);
    assert.equal((await list({ Authorization: "Bearer a.b.c" })).status, 401);
    const short = await startLocalWmlEngine({ deployments: [], token_lifetime_s: 1 });
    try {
      const token = (await axios.post(`${short.credentials.iam_url}/identity/token`, new URLSearchParams({ grant_type: "urn:ibm:params:oauth:grant-type:apikey", apikey: short.credentials.apikey }))).data.access_token;
      await new Promise((r) => setTimeout(r, 1100));
      const expired = await axios.get(`${short.credentials.url}/ml/v4/deployments`, { headers: { Authorization: `Bearer ${token}` }, params: { space_id: short.credentials.space_id, version: "2020-09-01" }, validateStatus: () => true });
      assert.equal(expired.status, 401);
      assert.equal(expired.data.errors[0].code, "authentication_token_expired");
    } finally {
      await short.stop();
    }
    const token = await new IamTokenManager(new EngineHttp({ engine: "wml" }), wml.credentials.apikey, wml.credentials.iam_url).get();
    const noVersion = await list({ Authorization: `Bearer ${token}` }, { space_id: wml.credentials.space_id! });
    assert.equal(noVersion.status, 400);
  });
});

describe("a WML binding in the data mart", () => {
  test("binds, lists with its service type, and shows its assets with frameworks", async () => {
    const out = new RecordingOutput();
    const client = new APIClient({ in_memory: true }, out);
    try {
      await client.data_mart.setup();
      const uid = await client.data_mart.bindings.add("WML instance", new WatsonMachineLearningInstance(wml.credentials));
      await client.data_mart.bindings.list();
      assert.deepEqual(out.lastTable().rows[0]!.slice(0, 3), [uid, "WML instance", "watson_machine_learning"]);
      await client.data_mart.bindings.list_assets();
      const assets = out.lastTable();
      assert.deepEqual(assets.rows.map((r) => r[1]).sort(), ["credit model", "iris model"]);
      assert.ok(assets.rows.every((r) => r[4] === "scikit-learn_1.1"));
      const details = JSON.stringify(await client.data_mart.bindings.get_details(uid));
      assert.ok(!details.includes(wml.credentials.apikey));
      const before = await client.data_mart.bindings.get_uids();
      await assert.rejects(
        client.data_mart.bindings.add("WML with a wrong key", new WatsonMachineLearningInstance({ ...wml.credentials, instance_id: "another", apikey: "wrong-key-000000" })),
        (e: unknown) => e instanceof EngineAuthenticationError && /IAM rejected the API key/.test((e as Error).message),
      );
      assert.deepEqual(await client.data_mart.bindings.get_uids(), before, "a wrong key stores nothing");
    } finally {
      await client.close();
    }
  });
});

describe("Watson ML faults", () => {
  test("a deployment list that breaks the v4 shape is an EngineResponseError naming the URL", async () => {
    const http = await import("node:http");
    const server = http.createServer((req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(req.url!.startsWith("/identity/token") ? JSON.stringify({ access_token: "t", expires_in: 3600 }) : JSON.stringify({ resources: [{ metadata: {} }] }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const err = await new WatsonMachineLearningAdapter({ apikey: "k-123", url, iam_url: url, space_id: "s" }).listDeployments().catch((e: unknown) => e);
      const { EngineResponseError } = await import("../../src/engines/errors");
      assert.ok(err instanceof EngineResponseError, String(err));
      assert.match(err.message, /does not follow its protocol: resources\.0\.metadata\.id/);
      assert.match(err.message, new RegExp(`${url.replace(/\./g, "\\.")}/ml/v4/`));
    } finally {
      server.close();
    }
  });
});
