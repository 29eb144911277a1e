import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { inspect, promisify } from "node:util";
import { after, before, describe, test } from "node:test";
import axios from "axios";
import { AzureMachineLearningStudioAdapter } from "../../src/engines/azure-machine-learning-studio/adapter";
import { EngineAuthenticationError, EngineConnectionError } from "../../src/engines/errors";
import { generateCreditRisk } from "../../src/datasets/index";
import { modelZoo } from "../../src/local-engines/models/model-zoo";
import { startLocalAzureEngine, type LocalAzureEngine } from "../../src/local-engines/azure/azure-engine";
import { APIClient, AzureMachineLearningInstance } from "../../src/index";
import { RecordingOutput } from "../support/recording-output";

const root = path.resolve(__dirname, "../..");
let azure: LocalAzureEngine;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "openscale-azure-"));
before(async () => {
  const zoo = modelZoo(42);
  azure = await startLocalAzureEngine({
    webServices: [
      { name: "credit-risk-web-service", title: "German credit risk (Studio)", model: zoo.creditRisk },
      { name: "iris-web-service", title: "Iris species (Studio)", model: zoo.iris },
    ],
  });
});
after(async () => {
  await azure.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const credit = generateCreditRisk({ rows: 3, seed: 5 });

describe("Azure ML Studio adapter against the local Azure engine (HTTPS)", () => {
  test("lists web services through ARM with an Azure AD token", async () => {
    const adapter = new AzureMachineLearningStudioAdapter(azure.credentials);
    const deployments = await adapter.listDeployments();
    assert.deepEqual(deployments.map((d) => d.deployment_id).sort(), ["credit-risk-web-service", "iris-web-service"]);
    const c = deployments.find((d) => d.deployment_id === "credit-risk-web-service")!;
    assert.equal(c.name, "German credit risk (Studio)");
    assert.match(c.scoring_url, /\/services\/credit-risk-web-service\/execute\?api-version=2\.0&format=swagger$/);
    assert.equal(adapter.tokens.exchanges, 1);
  });

  test("scores swagger records with the service key and normalises Results to {fields, values}", async () => {
    const adapter = new AzureMachineLearningStudioAdapter(azure.credentials);
    const [c] = (await adapter.listDeployments()).filter((d) => d.deployment_id === "credit-risk-web-service");
    const out = await adapter.score(c!, { fields: credit.feature_columns, values: credit.values.map((r) => r.slice(0, 20)) });
    assert.ok(out.fields.includes("Scored Labels") && out.fields.includes("Scored Probabilities") && out.fields.includes("Age"));
    assert.equal(out.values.length, 3);
    const label = out.values[0]![out.fields.indexOf("Scored Labels")];
    assert.ok(label === "Risk" || label === "No Risk");
  });

  test("the classic body form is answered as a table", async () => {
    const adapter = new AzureMachineLearningStudioAdapter(azure.credentials);
    const [c] = (await adapter.listDeployments()).filter((d) => d.deployment_id === "iris-web-service");
    const agent = new https.Agent({ ca: azure.credentials.ca_certificate });
    const token = await adapter.tokens.get();
    const service = c!.url!.replace(azure.credentials.management_url!, "");
    const keys = await axios.post(`${azure.credentials.management_url}${service}/listKeys`, null, { params: { "api-version": "2017-01-01" }, headers: { Authorization: `Bearer ${token}` }, httpsAgent: agent });
    const classic = await axios.post(
      c!.scoring_url.replace("&format=swagger", ""),
      { Inputs: { input1: { ColumnNames: ["sepal_length", "sepal_width", "petal_length", "petal_width"], Values: [[5.0, 3.4, 1.4, 0.2]] } }, GlobalParameters: {} },
      { headers: { Authorization: `Bearer ${keys.data.primary}` }, httpsAgent: agent },
    );
    const table = classic.data.Results.output1.value;
    assert.equal(table.Values[0][table.ColumnNames.indexOf("Scored Labels")], "setosa");
  });

  test("a wrong client secret is an authentication error that never shows the secret", async () => {
    const err = await new AzureMachineLearningStudioAdapter({ ...azure.credentials, client_secret: "wrong-secret-987654" }).listDeployments().catch((e: unknown) => e);
    assert.ok(err instanceof EngineAuthenticationError, String(err));
    assert.match(err.message, /Azure AD refused the service principal/);
    assert.match(err.message, /AADSTS7000215/);
    assert.ok(!inspect(err, { depth: 10, showHidden: true }).includes("wrong-secret-987654"));
  });

  test("without the engine's CA the TLS check fails (verification is never turned off)", async () => {
    const { ca_certificate: _, ...untrusted } = azure.credentials;
    const err = await new AzureMachineLearningStudioAdapter(untrusted, { retries: 0 }).listDeployments().catch((e: unknown) => e);
    assert.ok(err instanceof EngineConnectionError, String(err));
    assert.match(err.message, /TLS verification failed/);
  });
});

describe("the local Azure engine with Microsoft's own client", () => {
  test("@azure/identity ClientSecretCredential gets a token that ARM accepts; a wrong secret is refused", { timeout: 60_000 }, async () => {
    const ca = path.join(tmp, "ca.pem");
    fs.writeFileSync(ca, azure.credentials.ca_certificate!);
    const script = `
      const { ClientSecretCredential } = require("@azure/identity");
      const c = JSON.parse(process.env.AZURE_TEST);
      new ClientSecretCredential(c.tenant, c.client_id, c.client_secret, { authorityHost: c.login_url, disableInstanceDiscovery: true })
        .getToken(c.management_url + "/.default")
        .then((t) => console.log(JSON.stringify({ ok: true, token: t.token })), (e) => console.log(JSON.stringify({ ok: false, name: e.name, message: String(e.message).slice(0, 300) })));`;
    const run = async (credentials: object) => {
      // The child trusts the engine's CA through NODE_EXTRA_CA_CERTS, as a user of the real SDK would for a private CA.
      const { stdout } = await promisify(execFile)(process.execPath, ["-e", script], {
        cwd: root,
        env: { ...process.env, NODE_EXTRA_CA_CERTS: ca, AZURE_TEST: JSON.stringify(credentials) },
      });
      return JSON.parse(stdout.trim().split("\n").at(-1)!) as { ok: boolean; token?: string; name?: string; message?: string };
    };
    const good = await run(azure.credentials);
    assert.ok(good.ok, `${good.name}: ${good.message}`);
    const list = await axios.get(`${azure.credentials.management_url}/subscriptions/${azure.credentials.subscription_id}/providers/Microsoft.MachineLearning/webServices`, {
      params: { "api-version": "2017-01-01" },
      headers: { Authorization: `Bearer ${good.token}` },
      httpsAgent: new https.Agent({ ca: azure.credentials.ca_certificate }),
    });
    assert.equal(list.data.value.length, 2);
    const bad = await run({ ...azure.credentials, client_secret: "not-the-secret" });
    assert.equal(bad.ok, false);
    assert.match(bad.message!, /AADSTS7000215|invalid_client/);
  });
});

describe("an Azure ML Studio binding in the data mart", () => {
  test("binds as azure_machine_learning and lists the web services", async () => {
    const out = new RecordingOutput();
    const client = new APIClient({ in_memory: true }, out);
    try {
      await client.data_mart.setup();
      const uid = await client.data_mart.bindings.add("My Azure ML Studio engine", new AzureMachineLearningInstance(azure.credentials));
      await client.data_mart.bindings.list_assets({ binding_uid: uid });
      assert.deepEqual(out.lastTable().rows.map((r) => r[0]).sort(), ["credit-risk-web-service", "iris-web-service"]);
      const details = JSON.stringify(await client.data_mart.bindings.get_details(uid));
      assert.ok(!details.includes(azure.credentials.client_secret));
      assert.ok(!details.includes("BEGIN CERTIFICATE"), "the CA is not echoed back either");
      await assert.rejects(
        client.data_mart.bindings.add("Azure with a wrong secret", new AzureMachineLearningInstance({ ...azure.credentials, client_secret: "wrong-secret-0000" })),
        (e: unknown) => e instanceof EngineAuthenticationError && /AADSTS7000215/.test((e as Error).message),
      );
      assert.deepEqual(await client.data_mart.bindings.get_uids(), [uid], "a wrong secret stores nothing");
    } finally {
      await client.close();
    }
  });
});

describe("Azure ML Service (online endpoints) against the local Azure engine", () => {
  let service: LocalAzureEngine;
  before(async () => {
    const zoo = modelZoo(42);
    service = await startLocalAzureEngine({
      webServices: [],
      onlineEndpoints: [
        { name: "credit-risk-endpoint", model_name: "credit-risk-sklearn", model: zoo.creditRisk },
        { name: "iris-endpoint", model_name: "iris-sklearn", model: zoo.iris },
      ],
    });
  });
  after(() => service.stop());

  test("lists workspaces' online endpoints and scores input_data with the endpoint key", async () => {
    const { AzureMachineLearningServiceAdapter } = await import("../../src/engines/azure-machine-learning-service/adapter");
    const adapter = new AzureMachineLearningServiceAdapter(service.credentials);
    const deployments = await adapter.listDeployments();
    assert.deepEqual(deployments.map((d) => d.deployment_id).sort(), ["credit-risk-endpoint", "iris-endpoint"]);
    const c = deployments.find((d) => d.deployment_id === "credit-risk-endpoint")!;
    assert.equal(c.asset.source_uid, "credit-risk-sklearn");
    assert.match(c.scoring_url, /\/inference\/credit-risk-endpoint\/score$/);
    const out = await adapter.score(c, { fields: credit.feature_columns, values: credit.values.map((r) => r.slice(0, 20)) });
    assert.deepEqual(out.fields, ["Scored Labels", "Scored Probabilities"]);
    assert.equal(out.values.length, 3);
    assert.equal((out.values[0]![1] as number[]).length, 2);
  });

  test("a scoring call without the endpoint key is refused", async () => {
    const res = await axios.post(`${service.credentials.management_url}/inference/iris-endpoint/score`, { input_data: {} }, {
      httpsAgent: new https.Agent({ ca: service.credentials.ca_certificate }),
      validateStatus: () => true,
    });
    assert.equal(res.status, 401);
  });

  test("binds as azure_machine_learning_service and lists the endpoints' models", async () => {
    const out = new RecordingOutput();
    const client = new APIClient({ in_memory: true }, out);
    try {
      await client.data_mart.setup();
      const { AzureMachineLearningServiceInstance } = await import("../../src/index");
      const uid = await client.data_mart.bindings.add("My Azure ML Service", new AzureMachineLearningServiceInstance(service.credentials));
      await client.data_mart.bindings.list();
      assert.equal(out.lastTable().rows[0]![2], "azure_machine_learning_service");
      await client.data_mart.bindings.list_assets({ binding_uid: uid });
      assert.deepEqual(out.lastTable().rows.map((r) => r[0]).sort(), ["credit-risk-sklearn", "iris-sklearn"]);
    } finally {
      await client.close();
    }
  });
});

describe("Azure faults", () => {
  test("ARM refuses an expired Azure AD token, as Azure does", { timeout: 30_000 }, async () => {
    const short = await startLocalAzureEngine({ webServices: [], token_lifetime_s: 1 });
    try {
      const adapter = new AzureMachineLearningStudioAdapter(short.credentials);
      const token = await adapter.tokens.get();
      await new Promise((r) => setTimeout(r, 1100));
      const res = await axios.get(`${short.credentials.management_url}/subscriptions/${short.credentials.subscription_id}/providers/Microsoft.MachineLearning/webServices`, {
        params: { "api-version": "2017-01-01" },
        headers: { Authorization: `Bearer ${token}` },
        httpsAgent: new https.Agent({ ca: short.credentials.ca_certificate }),
        validateStatus: () => true,
      });
      assert.equal(res.status, 401);
      assert.equal(res.data.error.code, "ExpiredAuthenticationToken");
      assert.deepEqual(await adapter.listDeployments(), [], "the adapter renews the token by itself");
    } finally {
      await short.stop();
    }
  });
});
