import assert from "node:assert/strict";
import net from "node:net";
import { after, before, describe, test } from "node:test";
import axios from "axios";
import { generateCreditRisk } from "../../src/datasets/index";
import { startLocalEngines, type LocalEngines } from "../../src/local-engines/index";
import { APIClient, CustomMachineLearningInstance, EngineAuthenticationError } from "../../src/index";
import { RecordingOutput } from "../support/recording-output";

let engines: LocalEngines;
before(async () => {
  engines = await startLocalEngines();
});
after(async () => {
  await engines.stop();
});

const http = () =>
  axios.create({
    baseURL: engines.custom.url,
    auth: { username: engines.custom.username!, password: engines.custom.password! },
    validateStatus: () => true,
  });

const credit = generateCreditRisk({ rows: 5, seed: 1 });

describe("local custom engine: the custom ML engine contract", () => {
  test("credentials have the shape a user writes: url, username, password", () => {
    assert.match(engines.custom.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(engines.custom.username, "admin");
    assert.ok(engines.custom.password!.length >= 12);
  });

  test("Basic auth is required: none or a wrong password is 401 with a challenge", async () => {
    const none = await axios.get(`${engines.custom.url}/v1/deployments`, { validateStatus: () => true });
    assert.equal(none.status, 401);
    assert.match(String(none.headers["www-authenticate"]), /^Basic realm=/);
    const wrong = await axios.get(`${engines.custom.url}/v1/deployments`, { auth: { username: "admin", password: "nope" }, validateStatus: () => true });
    assert.equal(wrong.status, 401);
  });

  test("GET /v1/deployments lists both models in both sample shapes", async () => {
    const res = await http().get("/v1/deployments");
    assert.equal(res.status, 200);
    assert.equal(res.data.count, 2);
    const credit = res.data.resources.find((r: { metadata: { guid: string } }) => r.metadata.guid === "credit");
    assert.equal(credit.entity.scoring_url, `${engines.custom.url}/v1/deployments/credit/online`);
    assert.equal(credit.entity.scoring_endpoint.url, credit.entity.scoring_url);
    assert.equal(credit.entity.asset.guid, "credit");
    assert.equal(credit.entity.asset_properties.problem_type, "binary");
    assert.equal(credit.entity.asset_properties.feature_fields.length, 20);
    const iris = res.data.resources.find((r: { metadata: { guid: string } }) => r.metadata.guid === "iris");
    assert.equal(iris.entity.asset_properties.problem_type, "multiclass");
  });

  test("scoring returns one prediction and probability vector per row, in any field order", async () => {
    const fields = [...credit.fields].reverse();
    const values = credit.values.map((row) => [...row].reverse());
    const res = await http().post("/v1/deployments/credit/online", { fields, values });
    assert.equal(res.status, 200);
    assert.deepEqual(res.data.fields, ["prediction", "probability"]);
    assert.deepEqual(res.data.labels, ["No Risk", "Risk"]);
    assert.equal(res.data.values.length, 5);
    const straight = await http().post("/v1/deployments/credit/online", { fields: credit.fields, values: credit.values });
    assert.deepEqual(res.data.values, straight.data.values);
    for (const [label, probability] of res.data.values) {
      assert.ok(["No Risk", "Risk"].includes(label));
      assert.equal(probability.length, 2);
    }
  });

  test("bad requests get 400 naming the problem", async () => {
    const cases: [unknown, RegExp][] = [
      ["not json", /not JSON/],
      [{ values: [[1]] }, /'fields'/],
      [{ fields: ["a"], values: "x" }, /'values'/],
      [{ fields: credit.fields.filter((f) => f !== "Age"), values: [] }, /Missing feature column\(s\): Age/],
      [{ fields: credit.fields, values: [credit.values[0]!.slice(1)] }, /Row 0 has 20 values for 21 fields/],
      [{ fields: credit.fields, values: [credit.values[0]!.map((v, i) => (credit.fields[i] === "Age" ? "old" : v))] }, /'Age' must be a number/],
    ];
    for (const [body, message] of cases) {
      const res = await http().post("/v1/deployments/credit/online", typeof body === "string" ? body : body, {
        headers: { "Content-Type": "application/json" },
        transformRequest: typeof body === "string" ? [(d: string) => d] : undefined,
      });
      assert.equal(res.status, 400, String(message));
      assert.match(res.data.errors[0].message, message);
    }
  });

  test("unknown deployments are 404, wrong methods 405", async () => {
    assert.equal((await http().post("/v1/deployments/nope/online", { fields: [], values: [] })).status, 404);
    assert.equal((await http().get("/v1/deployments/credit/online")).status, 405);
    assert.equal((await http().post("/v1/deployments", {})).status, 405);
    assert.equal((await http().get("/elsewhere")).status, 404);
  });

  test("the same seed serves the same models; stop() frees the port", async () => {
    const other = await startLocalEngines();
    const body = { fields: credit.fields, values: credit.values };
    const a = await http().post("/v1/deployments/credit/online", body);
    const b = await axios.post(`${other.custom.url}/v1/deployments/credit/online`, body, {
      auth: { username: other.custom.username!, password: other.custom.password! },
    });
    assert.deepEqual(a.data.values, b.data.values);
    assert.notEqual(other.custom.password, engines.custom.password);
    const port = Number(new URL(other.custom.url).port);
    await other.stop();
    await new Promise<void>((resolve, reject) => {
      const probe = net.connect(port, "127.0.0.1");
      probe.once("connect", () => reject(new Error("still listening")));
      probe.once("error", () => resolve());
    });
  });
});

describe("binding a custom engine proves its credentials, as the other engines do", () => {
  const out = new RecordingOutput();
  const client = new APIClient({ in_memory: true }, out);
  before(() => client.data_mart.setup());
  after(() => client.close());

  test("a wrong password fails bindings.add with the engine's reason, and nothing is stored", async () => {
    const wrong = "wrong-password-0000";
    const error = await client.data_mart.bindings.add("wrong", new CustomMachineLearningInstance({ ...engines.custom, password: wrong })).catch((e: unknown) => e);
    assert.ok(error instanceof EngineAuthenticationError, String(error));
    assert.match(error.message, /at http:\/\/127\.0\.0\.1:\d+\/v1\/deployments: rejected the credentials \(HTTP 401: Missing or wrong Basic auth credentials\.\)/);
    assert.ok(!error.message.includes(wrong));
    const none = await client.data_mart.bindings.add("no auth", new CustomMachineLearningInstance({ url: engines.custom.url })).catch((e: unknown) => e);
    assert.ok(none instanceof EngineAuthenticationError, String(none));
    assert.deepEqual(await client.data_mart.bindings.get_uids(), [], "nothing was stored");
  });

  test("the same URL and credentials bound twice return the existing binding with the v1 warning", async () => {
    const first = await client.data_mart.bindings.add("first", new CustomMachineLearningInstance(engines.custom));
    const again = await client.data_mart.bindings.add("again", new CustomMachineLearningInstance({ ...engines.custom, url: `${engines.custom.url}/` }));
    assert.equal(again, first);
    assert.match(out.warnings.at(-1)!, /^Warning during bind instance: this custom_machine_learning instance is already bound as 'first'/);
    assert.deepEqual(await client.data_mart.bindings.get_uids(), [first]);
    // Other request headers are another binding (another tenant of the same service, say).
    const other = await client.data_mart.bindings.add("other", new CustomMachineLearningInstance({ ...engines.custom, request_headers: { "X-Tenant": "b" } }));
    assert.notEqual(other, first);
    assert.deepEqual((await client.data_mart.bindings.get_uids()).sort(), [first, other].sort());
  });
});
