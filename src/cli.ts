#!/usr/bin/env node
/**
 * The `openscale` command: the demo (`npm start`), the local engines, the notebook runner, and the data mart server.
 */
import fs from "node:fs";
import path from "node:path";

const USAGE = `Usage: openscale <command> [options]

Commands:
  demo [--data-dir DIR] [--out-dir DIR] [--no-notebooks]
        Start the local engines, bind them to an embedded data mart (default .openscale/demo), print the
        bindings and assets tables, then execute every notebook under ./notebooks into DIR (default out/notebooks).
  engines [--seed N] [--credentials-file FILE]
        Start the local engines until Ctrl-C. Their credentials go to FILE (default .openscale/local-engines.json,
        readable by you only), never to the terminal.
  run-notebook <file.ipynb>... [--out-dir DIR | --in-place] [--cell-timeout SECONDS] [--kernelspec FILE]
        Execute notebooks in the tslab kernel (or the one a kernel.json names) and write them with their outputs.
  install-kernel [--user | --prefix DIR] [--name NAME]
        Register the tslab kernel with Jupyter (default: your user's kernels, name tslab), with absolute paths to
        this Node.js and this tslab, so the kernel starts whatever Jupyter's PATH. --prefix DIR writes under
        DIR/share/jupyter/kernels (put DIR/share/jupyter in JUPYTER_PATH).
  serve [--db URL | --data-dir DIR] [--port N] [--host HOST] [--tls-cert FILE --tls-key FILE]
        Serve the data marts over the v1 REST API with API keys (PostgreSQL at URL, or the embedded database in DIR,
        default .openscale/server). Prints the URL, never a key. SIGTERM lets in-flight requests finish.
  apikeys create --role admin|editor|viewer|ingest --data-mart ID | list | revoke KEY_ID [--db URL | --data-dir DIR]
        Manage the server's API keys: a new key is printed once and stored hashed; a revoked key stops at once.
  --version, --help`;

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case "demo":
      return demo(args);
    case "engines":
      return engines(args);
    case "run-notebook": {
      const { runNotebookCommand } = await import("./notebook/command");
      return runNotebookCommand(args);
    }
    case "install-kernel": {
      const { installKernelCommand } = await import("./notebook/command");
      return installKernelCommand(args);
    }
    case "serve": {
      const { serveCommand } = await import("./server/command");
      return serveCommand(parseOptions(args).options);
    }
    case "apikeys": {
      const { apikeysCommand } = await import("./server/command");
      const [action, ...rest] = args;
      const parsed = parseOptions(rest);
      return apikeysCommand(action, parsed.positional, parsed.options);
    }
    case "--version":
    case "-v": {
      const { VERSION } = await import("./client");
      console.log(VERSION);
      return 0;
    }
    case undefined:
    case "--help":
    case "-h":
      console.log(USAGE);
      return command === undefined ? 1 : 0;
    default:
      console.error(`openscale: unknown command '${command}'.\n\n${USAGE}`);
      return 2;
  }
}

/** Reads `--name value` and `--flag` options; everything else is positional. */
function parseOptions(args: string[], flags: string[] = []): { options: Record<string, string | true>; positional: string[] } {
  const options: Record<string, string | true> = {};
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith("--")) positional.push(arg);
    else if (flags.includes(arg.slice(2))) options[arg.slice(2)] = true;
    else {
      const value = args[i + 1];
      if (value === undefined || value.startsWith("--")) throw new Error(`option ${arg} needs a value`);
      options[arg.slice(2)] = value;
      i++;
    }
  }
  return { options, positional };
}

async function demo(args: string[]): Promise<number> {
  const { options } = parseOptions(args, ["no-notebooks"]);
  const {
    APIClient,
    AzureMachineLearningInstance,
    AzureMachineLearningServiceInstance,
    CustomMachineLearningInstance,
    SageMakerMachineLearningInstance,
    WatsonMachineLearningInstance,
    CustomMachineLearningAsset,
    generateCreditRisk,
    ProblemType,
    rowsOf,
    showTable,
    startLocalEngines,
  } = await import("./index");
  const local = await startLocalEngines();
  const client = new APIClient({ data_dir: String(options["data-dir"] ?? path.join(".openscale", "demo")) });
  try {
    console.log(
      [
        "Local engines started:",
        `  Watson ML  ${local.wml.url}`,
        `  Azure      ${local.azure_studio.management_url}`,
        `  SageMaker  ${local.sagemaker.endpoint_url}`,
        `  custom     ${local.custom.url}`,
      ].join("\n"),
    );
    await client.data_mart.delete({ background_mode: true });
    await client.data_mart.setup();
    const details = await client.data_mart.get_details();
    console.log(`Data mart ${details.data_mart_id} in ${details.location}\n`);
    await client.data_mart.bindings.add("WML instance", new WatsonMachineLearningInstance(local.wml));
    await client.data_mart.bindings.add("My Azure ML Studio engine", new AzureMachineLearningInstance(local.azure_studio));
    await client.data_mart.bindings.add("My AWS SageMaker engine", new SageMakerMachineLearningInstance(local.sagemaker));
    await client.data_mart.bindings.add("My Azure ML Service", new AzureMachineLearningServiceInstance(local.azure_service));
    await client.data_mart.bindings.add("My custom engine", new CustomMachineLearningInstance(local.custom));
    await client.data_mart.bindings.list();
    await client.data_mart.bindings.list_assets();

    // Sections 3, 4 and 7 of the tutorials: subscribe, score and log, look at performance and the payload's make-up.
    const applicants = generateCreditRisk({ rows: 100, seed: 11 });
    const subscription = await client.data_mart.subscriptions.add(
      new CustomMachineLearningAsset({
        source_uid: "credit",
        problem_type: ProblemType.BINARY_CLASSIFICATION,
        label_column: "Risk",
        prediction_column: "prediction",
        probability_column: "probability",
        feature_columns: applicants.feature_columns,
        categorical_columns: applicants.categorical_columns,
      }),
    );
    await client.data_mart.subscriptions.list();
    const rows = rowsOf(applicants);
    for (let i = 0; i < rows.length; i += 20) await subscription.score(rows.slice(i, i + 20));
    console.log(`\nScored ${rows.length} applicants in 5 requests through the subscription; each request was logged.`);
    await subscription.payload_logging.show_table({ limit: 3 });
    // The payload table has 28 columns, more than a terminal shows: the answer's columns beside a few features.
    const logged = await subscription.payload_logging.get_table_content({ limit: 5 });
    const shown = ["Sex", "Age", "LoanAmount", "prediction", "probability", "prediction_probability"];
    showTable({ title: "Scored applicants (5 newest rows, some columns)", columns: shown, rows: logged.map((r) => shown.map((c) => r[c])) });
    await subscription.performance_monitoring.show_table({ interval: "hour" });
    const run = await subscription.payload_logging.data_distribution.run({ group: ["prediction", "Sex"], agg: ["count"] });
    await subscription.payload_logging.data_distribution.show_chart(run.id);

    // Section 5: feedback with true labels, and a quality evaluation that re-scores it through the engine.
    await subscription.quality_monitoring.enable({ threshold: 0.7, min_records: 50 });
    const feedback = generateCreditRisk({ rows: 200, seed: 12 });
    const fields = [...feedback.feature_columns, feedback.label_column];
    await subscription.feedback_logging.store(rowsOf(feedback).map((r) => fields.map((f) => r[f])), { fields });
    console.log(`\nStored ${feedback.values.length} feedback rows with their true labels.`);
    const evaluation = await subscription.quality_monitoring.run({ background_mode: false });
    await subscription.quality_monitoring.show_table();
    if (evaluation.measurement_id) await subscription.quality_monitoring.show_confusion_matrix(evaluation.measurement_id);
  } finally {
    await client.close();
    await local.stop();
  }
  if (options["no-notebooks"]) return 0;
  const notebooks = fs.existsSync("notebooks")
    ? fs.readdirSync("notebooks").filter((f) => f.endsWith(".ipynb")).sort().map((f) => path.join("notebooks", f))
    : [];
  if (notebooks.length === 0) return 0;
  console.log(`\nExecuting ${notebooks.length} notebook(s) into ${options["out-dir"] ?? "out/notebooks"}:`);
  const { runNotebookCommand } = await import("./notebook/command");
  return runNotebookCommand([...notebooks, "--out-dir", String(options["out-dir"] ?? path.join("out", "notebooks"))]);
}

async function engines(args: string[]): Promise<number> {
  const { options } = parseOptions(args);
  const { startLocalEngines } = await import("./local-engines/index");
  const seed = options.seed === undefined ? undefined : Number(options.seed);
  const local = await startLocalEngines(seed === undefined ? {} : { seed });
  const file = String(options["credentials-file"] ?? path.join(".openscale", "local-engines.json"));
  const { stop, ...credentials } = local;
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  console.log(`Local engines running. Credentials (with passwords) written to ${file}.`);
  for (const [name, c] of Object.entries(credentials)) {
    const where = c as { url?: string; management_url?: string; endpoint_url?: string };
    console.log(`  ${name.padEnd(14)} ${where.url ?? where.management_url ?? where.endpoint_url ?? ""}`);
  }
  console.log("Press Ctrl-C to stop.");
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await stop();
  fs.rmSync(file, { force: true });
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`openscale: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
