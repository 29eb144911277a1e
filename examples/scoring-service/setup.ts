/**
 * One-time setup, with an admin key: the data mart, a binding to the custom engine and a subscription to its
 * credit-risk model (payload logging is enabled with it). Prints the variables the scoring service needs.
 *
 * Run: OPENSCALE_URL=… OPENSCALE_ADMIN_APIKEY=… OPENSCALE_DATA_MART=dm1 npx tsx examples/scoring-service/setup.ts
 * The engine's credentials come from ENGINE_URL (+ ENGINE_USERNAME, ENGINE_PASSWORD), or else from the file
 * `openscale engines` writes (ENGINE_CREDENTIALS_FILE, default .openscale/local-engines.json).
 */
import fs from "node:fs";
import { APIClient, CustomMachineLearningAsset, CustomMachineLearningInstance, generateCreditRisk, ProblemType, type CustomCredentials } from "openscale-ts";

export interface ScoringSetup {
  binding_id: string;
  subscription_id: string;
  deployment_id: string;
  scoring_url: string;
}

export async function setUpScoringDataMart(options: { url: string; apikey: string; dataMart: string; engine: CustomCredentials }): Promise<ScoringSetup> {
  const client = new APIClient({ url: options.url, apikey: options.apikey, instance_guid: options.dataMart });
  try {
    await client.data_mart.setup();
    const binding_id = await client.data_mart.bindings.add("Scoring service engine", new CustomMachineLearningInstance(options.engine));
    // The columns of the engine's credit model (the generated German credit data set's), label `Risk`.
    const { feature_columns, categorical_columns } = generateCreditRisk({ rows: 1, seed: 1 });
    const subscription = await client.data_mart.subscriptions.add(
      new CustomMachineLearningAsset({
        source_uid: "credit",
        binding_uid: binding_id,
        problem_type: ProblemType.BINARY_CLASSIFICATION,
        label_column: "Risk",
        prediction_column: "prediction",
        probability_column: "probability",
        feature_columns,
        categorical_columns,
      }),
    );
    const [deployment] = (await subscription.get_details()).entity.deployments;
    if (!deployment) throw new Error("the subscription has no deployment: is the engine's credit model deployed?");
    return { binding_id, subscription_id: subscription.uid, deployment_id: deployment.deployment_id, scoring_url: deployment.scoring_endpoint.url };
  } finally {
    await client.close();
  }
}

function engineFromEnvironment(env: NodeJS.ProcessEnv): CustomCredentials {
  if (env.ENGINE_URL) return { url: env.ENGINE_URL, ...(env.ENGINE_USERNAME && env.ENGINE_PASSWORD ? { username: env.ENGINE_USERNAME, password: env.ENGINE_PASSWORD } : {}) };
  const file = env.ENGINE_CREDENTIALS_FILE ?? ".openscale/local-engines.json";
  if (!fs.existsSync(file)) throw new Error(`set ENGINE_URL, or run \`openscale engines\` first (it writes ${file})`);
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { custom: CustomCredentials }).custom;
}

async function main(): Promise<void> {
  const env = process.env;
  const missing = ["OPENSCALE_URL", "OPENSCALE_ADMIN_APIKEY", "OPENSCALE_DATA_MART"].filter((name) => !env[name]);
  if (missing.length) throw new Error(`set ${missing.join(", ")}`);
  const engine = engineFromEnvironment(env);
  const setup = await setUpScoringDataMart({ url: env.OPENSCALE_URL!, apikey: env.OPENSCALE_ADMIN_APIKEY!, dataMart: env.OPENSCALE_DATA_MART!, engine });
  // Everything but the keys and the engine password: those the operator sets from where they keep secrets.
  console.log("# the scoring service's configuration (add OPENSCALE_APIKEY=<an ingest key>, and ENGINE_USERNAME/ENGINE_PASSWORD):");
  console.log(`export OPENSCALE_URL=${env.OPENSCALE_URL}`);
  console.log(`export OPENSCALE_DATA_MART=${env.OPENSCALE_DATA_MART}`);
  console.log(`export OPENSCALE_SUBSCRIPTION=${setup.subscription_id}`);
  console.log(`export OPENSCALE_BINDING=${setup.binding_id}`);
  console.log(`export OPENSCALE_DEPLOYMENT=${setup.deployment_id}`);
  console.log(`export ENGINE_SCORING_URL=${setup.scoring_url}`);
}

if (require.main === module) {
  main().catch((error: Error) => {
    console.error(`setup: ${error.message}`);
    process.exit(1);
  });
}
