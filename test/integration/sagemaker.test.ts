import assert from "node:assert/strict";
import { inspect } from "node:util";
import { after, before, describe, test } from "node:test";
import { DescribeEndpointCommand, ListEndpointsCommand, SageMakerClient } from "@aws-sdk/client-sagemaker";
import { InvokeEndpointCommand, SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import axios from "axios";
import { SageMakerAdapter } from "../../src/engines/sagemaker/adapter";
import { EngineAuthenticationError, EngineRequestError, EngineServerError } from "../../src/engines/errors";
import { generateCreditRisk } from "../../src/datasets/index";
import { modelZoo } from "../../src/local-engines/models/model-zoo";
import { startLocalSageMakerEngine, type LocalSageMakerEngine } from "../../src/local-engines/sagemaker/sagemaker-engine";
import { APIClient, SageMakerMachineLearningInstance, ValidationError } from "../../src/index";
import { RecordingOutput } from "../support/recording-output";

let sm: LocalSageMakerEngine;
before(async () => {
  const zoo = modelZoo(42);
  sm = await startLocalSageMakerEngine({
    endpoints: [
      { name: "credit-risk-endpoint", model_name: "credit-risk-linear-learner", model: zoo.creditRisk },
      { name: "iris-endpoint", model_name: "iris-linear-learner", model: zoo.iris },
    ],
  });
});
after(() => sm.stop());

const credit = generateCreditRisk({ rows: 4, seed: 11 });
const features = credit.values.map((row) => row.slice(0, 20));
const csv = features.map((r) => r.join(",")).join("\n");

const awsConfig = (secret = sm.credentials.secret_access_key) => ({
  region: sm.credentials.region,
  endpoint: sm.credentials.endpoint_url,
  credentials: { accessKeyId: sm.credentials.access_key_id, secretAccessKey: secret },
  maxAttempts: 1,
});

describe("SageMaker adapter (aws4 SigV4) against the local SageMaker engine", () => {
  test("lists endpoints with their models", async () => {
    const deployments = await new SageMakerAdapter(sm.credentials).listDeployments();
    assert.deepEqual(deployments.map((d) => d.deployment_id).sort(), ["credit-risk-endpoint", "iris-endpoint"]);
    const c = deployments.find((d) => d.deployment_id === "credit-risk-endpoint")!;
    assert.equal(c.scoring_url, "credit-risk-endpoint");
    assert.equal(c.asset.source_uid, "credit-risk-linear-learner");
    assert.equal(c.created_at, "2026-01-15T09:30:00.000Z");
    assert.match(c.url!, /^arn:aws:sagemaker:us-east-1:\d+:endpoint\/credit-risk-endpoint$/);
  });

  test("scores CSV rows and reads linear-learner answers as {fields, values}", async () => {
    const adapter = new SageMakerAdapter(sm.credentials);
    const [c] = (await adapter.listDeployments()).filter((d) => d.deployment_id === "credit-risk-endpoint");
    const out = await adapter.score(c!, { fields: credit.feature_columns, values: features });
    assert.deepEqual(out.fields, ["predicted_label", "score"]);
    assert.equal(out.values.length, 4);
    for (const [label, score] of out.values) {
      assert.ok(label === 0 || label === 1);
      assert.ok(typeof score === "number" && score >= 0 && score <= 1);
    }
  });

  test("a wrong secret is refused as an authentication error, never shown", async () => {
    const err = await new SageMakerAdapter({ ...sm.credentials, secret_access_key: "wrong-secret-abcdef" }).listDeployments().catch((e: unknown) => e);
    assert.ok(err instanceof EngineAuthenticationError, String(err));
    assert.match(err.message, /signature we calculated does not match/);
    assert.ok(!inspect(err, { depth: 10, showHidden: true }).includes("wrong-secret-abcdef"));
    const unknown = await new SageMakerAdapter({ ...sm.credentials, access_key_id: "AKIAUNKNOWN" }).listDeployments().catch((e: unknown) => e);
    assert.ok(unknown instanceof EngineAuthenticationError);
    assert.match(unknown.message, /security token included in the request is invalid/);
  });

  test("a model error (424) is an engine server error carrying the model's message", async () => {
    const adapter = new SageMakerAdapter(sm.credentials);
    const [c] = (await adapter.listDeployments()).filter((d) => d.deployment_id === "credit-risk-endpoint");
    const err = await adapter.score(c!, { fields: ["a"], values: [[1, 2]] }).catch((e: unknown) => e);
    assert.ok(err instanceof EngineServerError, String(err));
    assert.equal(err.status, 424);
    assert.match(err.message, /row 0 has 2 values; the model takes 20 features/);
  });

  test("endpoint names that break SageMaker's rule are refused before any request", async () => {
    const adapter = new SageMakerAdapter(sm.credentials);
    const bad = { deployment_id: "x", name: "x", created_at: "", deployment_type: "online", scoring_url: "bad_name!", asset: { source_uid: "m", name: "m", created: "", type: "model", frameworks: [] } };
    await assert.rejects(adapter.score(bad, { fields: [], values: [] }), (e: unknown) => e instanceof EngineRequestError && /not a SageMaker endpoint name/.test((e as Error).message));
  });

  test("regions that are not regions are refused when the instance is built", () => {
    for (const region of ["us-east", "Virginia", "us_east_1", ""]) {
      assert.throws(() => new SageMakerMachineLearningInstance({ ...sm.credentials, region }), ValidationError, region);
    }
  });
});

describe("the local SageMaker engine with AWS's own SDK clients", () => {
  test("@aws-sdk/client-sagemaker lists and describes endpoints", async () => {
    const client = new SageMakerClient(awsConfig());
    const list = await client.send(new ListEndpointsCommand({}));
    assert.deepEqual(list.Endpoints!.map((e) => e.EndpointName).sort(), ["credit-risk-endpoint", "iris-endpoint"]);
    assert.ok(list.Endpoints![0]!.CreationTime instanceof Date);
    const described = await client.send(new DescribeEndpointCommand({ EndpointName: "iris-endpoint" }));
    assert.equal(described.EndpointStatus, "InService");
    assert.equal(described.EndpointConfigName, "iris-endpoint-config");
  });

  test("@aws-sdk/client-sagemaker-runtime invokes with text/csv and JSON", async () => {
    const runtime = new SageMakerRuntimeClient({ ...awsConfig(), endpoint: sm.credentials.runtime_url });
    const res = await runtime.send(new InvokeEndpointCommand({ EndpointName: "credit-risk-endpoint", ContentType: "text/csv", Body: csv }));
    const body = JSON.parse(Buffer.from(res.Body!).toString("utf8"));
    assert.equal(body.predictions.length, 4);
    assert.equal(res.InvokedProductionVariant, "AllTraffic");
    const iris = await runtime.send(
      new InvokeEndpointCommand({ EndpointName: "iris-endpoint", ContentType: "application/json", Body: JSON.stringify({ instances: [{ features: [5.0, 3.4, 1.4, 0.2] }] }) }),
    );
    const irisBody = JSON.parse(Buffer.from(iris.Body!).toString("utf8"));
    assert.equal(irisBody.predictions[0].predicted_label, 0);
    assert.equal(irisBody.predictions[0].score.length, 3);
  });

  test("our adapter and the SDK see the same endpoints and the same scores", async () => {
    const ours = new SageMakerAdapter(sm.credentials);
    const [c] = (await ours.listDeployments()).filter((d) => d.deployment_id === "credit-risk-endpoint");
    const mine = await ours.score(c!, { fields: credit.feature_columns, values: features });
    const runtime = new SageMakerRuntimeClient({ ...awsConfig(), endpoint: sm.credentials.runtime_url });
    const theirs = JSON.parse(Buffer.from((await runtime.send(new InvokeEndpointCommand({ EndpointName: "credit-risk-endpoint", ContentType: "text/csv", Body: csv }))).Body!).toString("utf8"));
    assert.deepEqual(mine.values, theirs.predictions.map((p: { predicted_label: number; score: number }) => [p.predicted_label, p.score]));
  });

  test("a wrong secret is refused for the SDK too, and unsigned requests are refused", async () => {
    const client = new SageMakerClient(awsConfig("not-the-secret"));
    await assert.rejects(client.send(new ListEndpointsCommand({})), (e: unknown) => (e as { name?: string }).name === "InvalidSignatureException");
    const unsigned = await axios.post(`${sm.credentials.endpoint_url}/`, "{}", { headers: { "X-Amz-Target": "SageMaker.ListEndpoints" }, validateStatus: () => true });
    assert.equal(unsigned.status, 403);
  });
});

describe("a SageMaker binding in the data mart", () => {
  test("binds as sagemaker_machine_learning and lists the endpoints' models", async () => {
    const out = new RecordingOutput();
    const client = new APIClient({ in_memory: true }, out);
    try {
      await client.data_mart.setup();
      const uid = await client.data_mart.bindings.add("My AWS SageMaker engine", new SageMakerMachineLearningInstance(sm.credentials));
      await client.data_mart.bindings.list_assets({ binding_uid: uid });
      assert.deepEqual(out.lastTable().rows.map((r) => r[0]).sort(), ["credit-risk-linear-learner", "iris-linear-learner"]);
      const details = (await client.data_mart.bindings.get_details(uid)) as { entity: { service_type: string; credentials: Record<string, string> } };
      assert.equal(details.entity.service_type, "sagemaker_machine_learning");
      assert.equal(details.entity.credentials.secret_access_key, "****");
      assert.equal(details.entity.credentials.access_key_id, sm.credentials.access_key_id);
      await assert.rejects(
        client.data_mart.bindings.add("SageMaker with a wrong secret", new SageMakerMachineLearningInstance({ ...sm.credentials, secret_access_key: "wrong-secret-0000" })),
        (e: unknown) => e instanceof EngineAuthenticationError && /signature we calculated does not match/.test((e as Error).message),
      );
      assert.deepEqual(await client.data_mart.bindings.get_uids(), [uid], "a wrong secret stores nothing");
    } finally {
      await client.close();
    }
  });
});
