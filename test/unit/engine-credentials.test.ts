import assert from "node:assert/strict";
import { inspect } from "node:util";
import { describe, test } from "node:test";
import {
  AzureMachineLearningInstance,
  AzureMachineLearningServiceInstance,
  AzureMachineLearningStudioInstance,
  CustomMachineLearningInstance,
  SageMakerMachineLearningInstance,
  ValidationError,
  WatsonMachineLearningInstance,
} from "../../src/index";

/** Asserts `build` throws a ValidationError whose message matches every pattern. */
function rejects(build: () => unknown, ...patterns: RegExp[]): void {
  assert.throws(build, (e: unknown) => {
    assert.ok(e instanceof ValidationError, `expected ValidationError, got ${String(e)}`);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
}

const AZURE = { tenant: "t-1", client_id: "c-1", client_secret: "azure-secret-value", subscription_id: "s-1" };
const WML = { apikey: "wml-api-key-value", url: "https://us-south.ml.cloud.ibm.com", instance_id: "inst-1" };
const AWS = { access_key_id: "AKIAEXAMPLE", secret_access_key: "aws-secret-value", region: "us-east-1" };

describe("engine instances: service types", () => {
  test("each class records the seed's service_type string", () => {
    assert.equal(new WatsonMachineLearningInstance(WML).service_type, "watson_machine_learning");
    assert.equal(new AzureMachineLearningInstance(AZURE).service_type, "azure_machine_learning");
    assert.equal(new AzureMachineLearningStudioInstance(AZURE).service_type, "azure_machine_learning");
    assert.equal(new AzureMachineLearningServiceInstance(AZURE).service_type, "azure_machine_learning_service");
    assert.equal(new SageMakerMachineLearningInstance(AWS).service_type, "sagemaker_machine_learning");
    assert.equal(new CustomMachineLearningInstance({ url: "http://127.0.0.1:9" }).service_type, "custom_machine_learning");
  });

  test("the WML instance id is the binding's instance id; others get a fresh uuid per object", () => {
    assert.equal(new WatsonMachineLearningInstance(WML).source_uid, "inst-1");
    const a = new CustomMachineLearningInstance({ url: "http://h" });
    const b = new CustomMachineLearningInstance({ url: "http://h" });
    assert.notEqual(a.source_uid, b.source_uid);
    assert.match(a.source_uid, /^[0-9a-f-]{36}$/);
  });

  test("URLs are normalised (no trailing slash)", () => {
    assert.equal(new CustomMachineLearningInstance({ url: "http://h:1/base/" }).credentials.url, "http://h:1/base");
  });
});

describe("engine instances: bad credentials name the field, the engine and the fix", () => {
  test("missing fields", () => {
    rejects(() => new CustomMachineLearningInstance({} as never), /CustomMachineLearningInstance/, /credentials\.url: required field is missing/);
    rejects(
      () => new SageMakerMachineLearningInstance({ access_key_id: "a", region: "us-east-1" } as never),
      /sagemaker_machine_learning/,
      /credentials\.secret_access_key: required field is missing/,
    );
    rejects(() => new AzureMachineLearningInstance({ ...AZURE, tenant: undefined } as never), /credentials\.tenant/);
    rejects(() => new WatsonMachineLearningInstance({ url: WML.url } as never), /credentials\.apikey/);
  });

  test("extra (misspelt) fields", () => {
    rejects(
      () => new CustomMachineLearningInstance({ url: "http://h", usrname: "x" } as never),
      /credentials: unknown field 'usrname': remove it/,
    );
    rejects(() => new AzureMachineLearningServiceInstance({ ...AZURE, secret: "x" } as never), /unknown field 'secret'/);
  });

  test("wrong types and values", () => {
    rejects(() => new CustomMachineLearningInstance({ url: 42 } as never), /credentials\.url/, /URL/);
    rejects(() => new CustomMachineLearningInstance({ url: "ftp://h" }), /credentials\.url: expected an absolute http/);
    rejects(() => new CustomMachineLearningInstance({ url: "not a url" }), /credentials\.url/);
    rejects(
      () => new CustomMachineLearningInstance({ url: "http://h", username: "admin" }),
      /credentials\.password: Basic auth needs both username and password/,
    );
    rejects(
      () => new CustomMachineLearningInstance({ url: "http://h", request_headers: { "X-Key": 5 } } as never),
      /credentials\.request_headers\.X-Key/,
    );
    rejects(() => new SageMakerMachineLearningInstance({ ...AWS, region: "Virginia" }), /credentials\.region: not an AWS region name/);
    rejects(() => new AzureMachineLearningInstance({ ...AZURE, client_secret: "" }), /credentials\.client_secret: must not be empty/);
  });

  test("credentials that are not an object", () => {
    rejects(() => new CustomMachineLearningInstance(null as never), /credentials: expected an object/);
    rejects(() => new CustomMachineLearningInstance("http://h" as never), /got string/);
  });

  test("error messages never echo a secret value", () => {
    try {
      new SageMakerMachineLearningInstance({ ...AWS, region: "nowhere", extra: "x" } as never);
      assert.fail("expected a ValidationError");
    } catch (e) {
      assert.doesNotMatch((e as Error).message, /aws-secret-value/);
    }
  });
});

describe("engine instances never show secrets", () => {
  test("inspect and JSON mask every secret but keep identifiers", () => {
    const instances = [
      new WatsonMachineLearningInstance(WML),
      new AzureMachineLearningInstance(AZURE),
      new SageMakerMachineLearningInstance(AWS),
      new CustomMachineLearningInstance({ url: "http://h", username: "admin", password: "custom-pass-value", request_headers: { "X-API-Key": "header-key-value" } }),
    ];
    for (const instance of instances) {
      const shown = inspect(instance, { depth: 10 }) + JSON.stringify(instance);
      for (const secret of ["wml-api-key-value", "azure-secret-value", "aws-secret-value", "custom-pass-value", "header-key-value"]) {
        assert.ok(!shown.includes(secret), `${instance.constructor.name} shows a secret`);
      }
    }
    assert.match(JSON.stringify(instances[2]), /AKIAEXAMPLE/);
  });
});
