/**
 * Executes every notebook under notebooks/ in the tslab kernel, as a reader would, and checks what it shows.
 * Runs against dist/ (npm test builds first), because notebooks import the package by name.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { runNotebook } from "../src/notebook/index";
import { startTestServer, type TestServer } from "./support/test-server";

const root = path.resolve(__dirname, "..");
const notebooksDir = path.join(root, "notebooks");
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "openscale-notebooks-"));
after(() => fs.rmSync(outDir, { recursive: true, force: true }));

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, string | string[]>;
}
interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: Output[];
  execution_count?: number | null;
}

const join = (v: string | string[] | undefined): string => (Array.isArray(v) ? v.join("") : (v ?? ""));

function outputsText(cell: Cell): string {
  return (cell.outputs ?? []).map((o) => join(o.text) + Object.values(o.data ?? {}).map(join).join("")).join("\n");
}

/** What sections 3, 4 and 7 of an engine tutorial show: `prediction` is the model's prediction column, `nativeCall` a fragment of the cell that scores with the engine's own API. */
function tutorialSections(prediction: string, nativeCall: string): [string, RegExp[]][] {
  const column = prediction.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return [
    ["subscriptions.list();", [/Subscriptions/, /credit/]],
    ["scoring_endpoint;", [/request_headers/]],
    [nativeCall, [/\d+ ms/]],
    ["payload_logging.store(records_list)", [/stored_rows: 8, duplicate_rows: 0/]],
    ["payload_logging.get_records_count()", [/Records in the payload table: 108/]],
    ["payload_logging.show_table(", [/Payload_[0-9a-f-]+ \(binding_id=/, /Note: First 5 records were displayed/]],
    ["describe_table()", [/Description of Payload_/, /LoanAmount/, /75%/]],
    ["payload_logging.print_table_schema()", [/Schema of Payload_/, new RegExp(column), /record-id/]],
    ["performance_monitoring.show_table();", [/PerformanceMetrics \(binding_id=/, /scoring_records/]],
    ['interval: "hour"', [/PerformanceMetrics per hour/, /p95_response_time/]],
    [`group: ["${prediction}", "Sex"]`, [/Waiting for end of data distribution run/, /Successfully finished run/]],
    ["get_run_result(", [/female/, /male/]],
    ["show_chart(sex_distribution_run_uid)", [/<svg/, new RegExp(`count by ${column} and Sex`)]],
    ["credit_history_distribution_run_uid);", [/<svg/, /count by CreditHistory/]],
  ];
}

/** What the fairness cells of section 6 show: the monitor finds the local credit model's bias on Sex and Age, and debiasing. */
const fairnessSection: [string, RegExp[]][] = [
  ["fairness_monitoring.enable(", [/feature: 'Sex'/, /minority: \[ \[ 18, 25 \] \]/]],
  ["more_applicants", [/Number of records in payload table: 508/]],
  ["fairness_monitoring.run(", [/Counting bias for deployment_uid=/, /Successfully finished run/]],
  ["fairness_monitoring.show_table();", [/FairnessMetrics \(binding_id=/, /female/, /\[18, 25\]/, /fairness_biased/]],
  ["fairness_monitoring.show_chart()", [/<svg/, /lower limit 0\.95/, /Favourable outcomes per group/, /Sex=female \(biased\)/, /Age=\[18, 25\] \(biased\)/]],
  ["fairness_monitoring.get_metrics()", [/200 payload rows and 400 perturbed rows analysed/, /payload_fairness_value/]],
  ["fairness_monitoring.debias(", [/Debiased scoring: [1-9]\d* of 200 answers changed/, /debiased_prediction/]],
  ["show_table({ debiased: true })", [/DebiasedFairnessMetrics/]],
];

/** The drift cells of section 6 (the tutorials that have them). */
const driftSection: [string, RegExp[]][] = [
  ["drift_monitoring.enable(", [/drift_threshold/, /state: '(in_progress|finished)'/]],
  ["drift_run_details = await", [/Waiting for end of drift monitoring run/, /Successfully finished run/]],
  ["drift_monitoring.get_table_content()", [/Drift metrics as rows/, /predicted_accuracy/, /data_drift_magnitude/]],
  ["show_feature_drift", [/Feature drift \(measurement_id=/, /<svg/]],
];

/** The explanation cells: LIME's weights, and the contrastive search where the tutorial asks for it (`cem`). */
const explainSection = (cem: boolean): [string, RegExp[]][] => [
  ["explainability.enable(", [/training_statistics/, /rows: 5000/]],
  ["explainability.run(", [/Looking for explanation for/, /Successfully finished run/]],
  ["explainability.show(", [/LIME explanation of/, /<svg/, ...(cem ? [/Contrastive: the smallest change that makes it/] : [])]],
  ["explained.explanation_features", [/Why (No Risk|Risk): \d+ engine calls/]],
  ["list_explanations", [/Explanations \(subscription_id=/]],
];

/** What each notebook must show, beyond running without error: cell source fragment → patterns its output matches. */
const expectations: Record<string, [string, RegExp[]][]> = {
  "Custom ML engine.ipynb": [
    ["quality_monitoring.show_table()", [/QualityMetrics/, /area_under_roc/, /model_type: original/]],
    ["show_confusion_matrix", [/Confusion matrix for \(measurement_id=/, /actual \\ predicted/]],
    ["monitoring.show_table({ monitor_uid", [/CustomMetrics/, /sensitivity/, /region: us-south/]],
    ["client.version", [/^\d+\.\d+\.\d+/m]],
    ["generateCreditRisk({", [/5000 rows, 20 features, label 'Risk'/, /<table/, /CheckingStatus/]],
    ["bindings.list()", [/<h3[^>]*>Service bindings<\/h3>|Service bindings/, /My custom engine/, /custom_machine_learning/]],
    ["bindings.list_assets()", [/Available assets/, /credit/, /iris/]],
    ["list_asset_deployments", [/Available asset deployments/]],
    ["bindings.get_details()", [/password: '\*\*\*\*'/]],
    ...tutorialSections("prediction", "axios.post(scoring_endpoint.url"),
    ...fairnessSection,
    ...explainSection(true),
  ],
  "Drift.ipynb": [
    ["drift_monitoring.enable(", [/state: '(in_progress|finished)'/]],
    ["drift_run_details = await", [/Waiting for end of drift monitoring run/, /Successfully finished run/]],
    ["show_feature_drift", [/Feature drift \(measurement_id=/, /<svg/, /0 of 20 features drifted/]],
    ["shifted_run", [/Successfully finished run/]],
    ["show_chart()", [/<svg/, /upper limit 0\.05/, /data_drift_magnitude/]],
    ["feedback_logging.store", [/accuracy on labelled feedback/, /predicted accuracy \(drift model\)/]],
    ["get_feature_drift", [/Feature drift of 600 payload rows/, /wasserstein/]],
  ],
  "Multiple ML engines.ipynb": [
    ["bindings.list();", [/Service bindings/, /WML instance/, /watson_machine_learning/, /My Azure ML Studio engine/, /azure_machine_learning/, /My AWS SageMaker engine/, /sagemaker_machine_learning/]],
    ["list({ service_type", [/Service bindings \(service_type=&#39;custom_machine_learning&#39;\)/, /My custom engine/]],
    ["get_details(binding_uid_3)", [/secret_access_key: '\*\*\*\*'/, /access_key_id: 'AKIA/]],
    ["list_assets({ binding_uid: binding_uid_2 })", [/Available assets \(binding_uid=/, /credit-risk-web-service/]],
    ["list_assets();", [/credit-risk-linear-learner/, /scikit-learn_1\.1/, /credit-risk-web-service/, /iris/]],
  ],
  "Watson ML engine.ipynb": [
    ["quality_monitoring.show_table()", [/QualityMetrics/, /area_under_roc/, /model_type: original/]],
    ["show_confusion_matrix", [/Confusion matrix for \(measurement_id=/, /actual \\ predicted/]],
    ["bindings.list();", [/WML instance/, /watson_machine_learning/]],
    ["bindings.get_details()", [/apikey: '\*\*\*\*'/]],
    ["list_assets(", [/German credit risk model/, /scikit-learn_1\.1/]],
    ...tutorialSections("prediction", "identity/token"),
    ...fairnessSection,
    ...driftSection,
    ...explainSection(false),
  ],
  "Azure ML Studio engine.ipynb": [
    ["quality_monitoring.show_table()", [/QualityMetrics/, /area_under_roc/, /model_type: original/]],
    ["show_confusion_matrix", [/Confusion matrix for \(measurement_id=/, /actual \\ predicted/]],
    ["bindings.list();", [/My Azure ML Studio engine/, /azure_machine_learning/]],
    ["bindings.get_details()", [/client_secret: '\*\*\*\*'/]],
    ["list_assets(", [/credit-risk-web-service/, /German credit risk \(Studio\)/]],
    ...tutorialSections("Scored Labels", "listKeys"),
    ...fairnessSection,
    ...driftSection,
    ...explainSection(true),
  ],
  "Azure ML Service engine.ipynb": [
    ["bindings.list();", [/My Azure ML Service engine/, /azure_machine_learning_service/]],
    ["bindings.get_details()", [/client_secret: '\*\*\*\*'/]],
    ["list_assets(", [/credit-risk-sklearn/, /iris-sklearn/]],
    ["list_asset_deployments(", [/credit-risk-endpoint/]],
    ...tutorialSections("Scored Labels", "input_data: {"),
  ],
  "SageMaker engine.ipynb": [
    ["quality_monitoring.show_table()", [/QualityMetrics/, /area_under_roc/, /model_type: original/]],
    ["show_confusion_matrix", [/Confusion matrix for \(measurement_id=/, /actual \\ predicted/]],
    ["bindings.list();", [/My SageMaker engine/, /sagemaker_machine_learning/]],
    ["bindings.get_details()", [/secret_access_key: '\*\*\*\*'/]],
    ["list_assets(", [/credit-risk-linear-learner/]],
    ...tutorialSections("predicted_label", "aws4.sign("),
    ...fairnessSection,
    ...explainSection(true),
  ],
};

const notebooks = fs.readdirSync(notebooksDir).filter((f) => f.endsWith(".ipynb")).sort();

/** Runs the notebook (with `env` added to its kernel's environment) and checks what it shows. */
async function runAndCheck(name: string, output_path: string, env?: Record<string, string>): Promise<string> {
  const result = await runNotebook(path.join(notebooksDir, name), { output_path, cell_timeout_ms: 60_000, ...(env ? { env } : {}) });
  assert.ok(result.ok, `cell ${result.failed_cell?.index} failed:\n${result.failed_cell?.source}\n${result.failed_cell?.error_text}`);
  const executed = JSON.parse(fs.readFileSync(output_path, "utf8")) as { cells: Cell[] };
  const code = executed.cells.filter((c) => c.cell_type === "code");
  assert.deepEqual(code.map((c) => c.execution_count), code.map((_, i) => i + 1), "every code cell ran, in order");
  for (const [fragment, patterns] of expectations[name] ?? []) {
    const cell = code.find((c) => join(c.source).includes(fragment));
    assert.ok(cell, `no cell contains ${fragment}`);
    for (const p of patterns) assert.match(outputsText(cell), p, `output of the cell with ${fragment}`);
  }
  const all = code.map(outputsText).join("\n");
  assert.doesNotMatch(
    all,
    /(password|apikey|client_secret|secret_access_key|ca_certificate)['"]?\s*[:=]\s*['"](?!\*\*\*\*)[^'"]+/i,
    "no secret is shown",
  );
  assert.doesNotMatch(all, /BEGIN CERTIFICATE|BEGIN PRIVATE KEY/, "no certificate or key is shown");
  assert.doesNotMatch(all, /<script/i, "no scripts in outputs");
  const errors = code.flatMap((c) => (c.outputs ?? []).filter((o) => o.name === "stderr").map((o) => join(o.text)));
  assert.deepEqual(errors.filter((e) => !/^Warning/.test(e)), [], "nothing but warnings on stderr");
  return all;
}

describe("notebooks", () => {
  test("there are notebooks to run, and each has expectations", () => {
    assert.ok(notebooks.length > 0);
    for (const name of notebooks) assert.ok(expectations[name], `add expectations for ${name}`);
  });

  for (const name of notebooks) {
    test(name, { timeout: 180_000 }, async () => {
      await runAndCheck(name, path.join(outDir, name));
    });
  }
});

/**
 * The same notebooks, unchanged, against a data mart server: OPENSCALE_URL, OPENSCALE_APIKEY and
 * OPENSCALE_INSTANCE_GUID in the kernel's environment turn each `new APIClient({ data_dir })` into a remote client of
 * its own data mart on the server (PostgreSQL when OPENSCALE_TEST_POSTGRES_URL names one, else embedded), and every
 * cell must show what it shows embedded.
 */
describe("notebooks against a data mart server", () => {
  let server: TestServer;
  before(async () => (server = await startTestServer("notebooks")));
  after(async () => server?.close());
  notebooks.forEach((name, index) => {
    test(name, { timeout: 180_000 }, async () => {
      const dm = `nb${index}x${process.pid}`;
      const env = { OPENSCALE_URL: server.url, OPENSCALE_APIKEY: await server.key(dm), OPENSCALE_INSTANCE_GUID: dm };
      const all = await runAndCheck(name, path.join(outDir, `server-${name}`), env);
      const bindings = await server.read(dm, "/service_bindings");
      assert.equal(bindings.status, 200, JSON.stringify(bindings.body));
      assert.ok(bindings.body.service_bindings.length > 0, "the notebook's bindings are in its data mart on the server");
      assert.ok(!all.includes(env.OPENSCALE_APIKEY.split("_").at(-1)!), "the API key is never shown");
    });
  });
});
