import assert from "node:assert/strict";
import { inspect } from "node:util";
import { after, before, describe, test } from "node:test";
import {
  APIClient,
  AzureMachineLearningServiceInstance,
  AzureMachineLearningStudioInstance,
  CustomMachineLearningAsset,
  CustomMachineLearningInstance,
  generateCreditRisk,
  rowsOf,
  SageMakerMachineLearningInstance,
  startLocalEngines,
  WatsonMachineLearningInstance,
  type LocalEngines,
  type MachineLearningInstance,
} from "../../src/index";
import { RecordingOutput } from "../support/recording-output";
import { startTestPostgres, type TestPostgres } from "../support/postgres";

/**
 * Every object the library hands out, printed as deep as util.inspect goes and serialised with JSON.stringify, shows
 * none of the secrets the user gave it: not after binding, not after the adapters have been built and have scored.
 */

const COOKIE = "session=cookie-secret-4711";
const credit = generateCreditRisk({ rows: 5, seed: 3 });
const rows = rowsOf(credit).map(({ Risk: _, ...r }) => r);

let engines: LocalEngines;
let postgres: TestPostgres;

before(async () => {
  engines = await startLocalEngines();
  postgres = await startTestPostgres();
});
after(async () => {
  await engines.stop();
  await postgres.stop();
});

function secrets(): string[] {
  const custom = engines.custom;
  const basic = Buffer.from(`${custom.username}:${custom.password}`).toString("base64");
  return [
    custom.password!,
    basic,
    COOKIE,
    "cookie-secret-4711",
    engines.wml.apikey,
    engines.sagemaker.secret_access_key,
    engines.azure_studio.client_secret,
    engines.azure_service.client_secret,
    new URL(postgres.url).password,
  ].filter((s): s is string => typeof s === "string" && s.length > 3);
}

function assertNoSecret(label: string, text: string): void {
  for (const s of secrets()) {
    const at = text.indexOf(s);
    assert.ok(at < 0, `${label} shows a secret: …${text.slice(Math.max(0, at - 80), at + s.length + 10)}…`);
  }
}

/** util.inspect at every depth that matters (a leak often shows at 4 or 5 only), plus showHidden, plus JSON. */
function assertNothingShown(label: string, value: unknown): void {
  for (const depth of [2, 4, 5, 8, Infinity]) {
    assertNoSecret(`${label} at depth ${depth}`, inspect(value, { depth }));
  }
  assertNoSecret(`${label} with showHidden`, inspect(value, { depth: Infinity, showHidden: true }));
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined; // a circular object cannot be serialised at all, so it shows nothing either
  }
  if (json !== undefined) assertNoSecret(`${label} as JSON`, json);
}

const setups = [
  { name: "in-memory data mart", setup: (c: APIClient) => c.data_mart.setup() },
  {
    name: "PostgreSQL data mart",
    setup: (c: APIClient) => c.data_mart.setup({ db_credentials: postgres.url, schema: `inspect_${process.pid}` }),
  },
];

for (const { name, setup } of setups) {
  describe(`nothing the library hands out prints a secret (${name})`, () => {
    const out = new RecordingOutput();
    const client = new APIClient({ in_memory: true }, out);
    let instances: MachineLearningInstance[];

    before(async () => {
      await setup(client);
      instances = [
        new CustomMachineLearningInstance({ ...engines.custom, request_headers: { Cookie: COOKIE } }),
        new WatsonMachineLearningInstance(engines.wml),
        new SageMakerMachineLearningInstance(engines.sagemaker),
        new AzureMachineLearningStudioInstance(engines.azure_studio),
        new AzureMachineLearningServiceInstance(engines.azure_service),
      ];
      for (const [i, instance] of instances.entries()) await client.data_mart.bindings.add(`engine ${i}`, instance);
      await client.data_mart.bindings.get_asset_details(); // every binding's adapter is built and has talked to its engine
    });
    after(async () => {
      await client.data_mart.delete({ background_mode: true });
      await client.close();
    });

    test("the client, the data mart, bindings, subscriptions, a scored subscription", async () => {
      const [custom] = await client.data_mart.bindings.get_uids().then((uids) => uids.slice(-1));
      const subscription = await client.data_mart.subscriptions.add(
        new CustomMachineLearningAsset({ source_uid: "credit", binding_uid: custom!, feature_columns: credit.feature_columns, categorical_columns: credit.categorical_columns }),
      );
      await subscription.score(rows);
      assertNothingShown("client", client);
      assertNothingShown("client.data_mart", client.data_mart);
      assertNothingShown("client.data_mart.bindings", client.data_mart.bindings);
      assertNothingShown("client.data_mart.subscriptions", client.data_mart.subscriptions);
      assertNothingShown("subscription", subscription);
      assertNothingShown("subscription.payload_logging", subscription.payload_logging);
      assertNothingShown("subscription.performance_monitoring", subscription.performance_monitoring);
      assertNothingShown("get_details", await client.data_mart.bindings.get_details());
      assertNothingShown("data mart details", await client.data_mart.get_details());
      assertNothingShown("warnings and lines", [...out.warnings, ...out.lines]);
    });

    test("the Instance objects the user built, and an asset", () => {
      for (const instance of instances) assertNothingShown(instance.constructor.name, instance);
      assertNothingShown("asset", new CustomMachineLearningAsset({ source_uid: "credit" }));
    });

    test("request_headers are named, their values masked", () => {
      const instance = instances[0] as CustomMachineLearningInstance;
      assert.match(inspect(instance, { depth: Infinity }), /Cookie: '\*\*\*\*'/);
      assert.deepEqual((JSON.parse(JSON.stringify(instance)) as { credentials: { request_headers: unknown } }).credentials.request_headers, { Cookie: "****" });
      assert.equal(instance.credentials.request_headers?.Cookie, COOKIE, "the instance still holds what the user gave it");
    });
  });
}
