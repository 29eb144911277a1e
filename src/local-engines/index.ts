import type { AzureCredentials } from "../engines/azure-credentials";
import type { CustomCredentials } from "../engines/custom/credentials";
import type { SageMakerCredentials } from "../engines/sagemaker/credentials";
import type { WatsonMachineLearningCredentials } from "../engines/watson-machine-learning/credentials";
import { startLocalAzureEngine } from "./azure/azure-engine";
import { startLocalCustomEngine } from "./custom/custom-engine";
import { modelZoo } from "./models/model-zoo";
import { startLocalSageMakerEngine } from "./sagemaker/sagemaker-engine";
import { startLocalWmlEngine } from "./watson-machine-learning/wml-engine";

/** Credentials of the running local engines, in the shape you would write for the real ones, and how to stop them. */
export interface LocalEngines {
  /** The custom ML engine: `{ url, username, password }`. */
  custom: CustomCredentials;
  /** Watson Machine Learning v4 with its IAM: `{ apikey, url, instance_id, space_id, iam_url }`. */
  wml: WatsonMachineLearningCredentials;
  /** AWS SageMaker (control plane and runtime, SigV4): `{ access_key_id, secret_access_key, region, endpoint_url, runtime_url }`. */
  sagemaker: SageMakerCredentials;
  /** Azure ML Studio (Azure AD, ARM, request-response services) over HTTPS; `ca_certificate` is its CA. */
  azure_studio: AzureCredentials;
  /** Azure ML online endpoints: the same service principal and local Azure (a subscription can hold both). */
  azure_service: AzureCredentials;
  stop(): Promise<void>;
}

export interface LocalEnginesOptions {
  /** Seed of the training data: the same seed serves the same models. @default 42 */
  seed?: number;
  /** Interface to listen on. @default "127.0.0.1" */
  host?: string;
}

/**
 * Starts engines on the loopback interface that speak each engine's wire protocol and serve real models trained
 * on seeded synthetic data (a binary credit-risk model, and a multiclass iris model).
 * @example const engines = await startLocalEngines(); … await engines.stop();
 */
export async function startLocalEngines(options: LocalEnginesOptions = {}): Promise<LocalEngines> {
  const zoo = modelZoo(options.seed ?? 42);
  const custom = await startLocalCustomEngine({
    host: options.host,
    deployments: [
      {
        guid: "credit",
        name: "German credit risk compliant deployment",
        description: "Logistic regression credit risk model (binary)",
        asset_name: "credit",
        model: zoo.creditRisk,
      },
      {
        guid: "iris",
        name: "Iris species deployment",
        description: "Softmax regression iris species model (multiclass)",
        asset_name: "iris",
        model: zoo.iris,
      },
    ],
  });
  const wml = await startLocalWmlEngine({
    host: options.host,
    deployments: [
      { name: "German credit risk model deployment", model_name: "German credit risk model", model: zoo.creditRisk },
      { name: "Iris species model deployment", model_name: "Iris species model", model: zoo.iris },
    ],
  });
  const sagemaker = await startLocalSageMakerEngine({
    host: options.host,
    endpoints: [
      { name: "credit-risk-endpoint", model_name: "credit-risk-linear-learner", model: zoo.creditRisk },
      { name: "iris-endpoint", model_name: "iris-linear-learner", model: zoo.iris },
    ],
  });
  const azure = await startLocalAzureEngine({
    host: options.host,
    webServices: [
      { name: "credit-risk-web-service", title: "German credit risk (Studio)", model: zoo.creditRisk },
      { name: "iris-web-service", title: "Iris species (Studio)", model: zoo.iris },
    ],
    onlineEndpoints: [
      { name: "credit-risk-endpoint", model_name: "credit-risk-sklearn", model: zoo.creditRisk },
      { name: "iris-endpoint", model_name: "iris-sklearn", model: zoo.iris },
    ],
  });
  return {
    custom: custom.credentials,
    wml: wml.credentials,
    sagemaker: sagemaker.credentials,
    azure_studio: azure.credentials,
    azure_service: { ...azure.credentials },
    stop: async () => {
      await Promise.all([custom.stop(), wml.stop(), sagemaker.stop(), azure.stop()]);
    },
  };
}
