import type { AdapterOptions, EngineAdapter } from "./adapter";
import { credentialSchemas } from "./credential-schemas";
import { AzureMachineLearningStudioAdapter } from "./azure-machine-learning-studio/adapter";
import type { AzureCredentials } from "./azure-credentials";
import { AzureMachineLearningServiceAdapter } from "./azure-machine-learning-service/adapter";
import { CustomEngineAdapter } from "./custom/adapter";
import type { CustomCredentials } from "./custom/credentials";
import { SageMakerAdapter } from "./sagemaker/adapter";
import type { SageMakerCredentials } from "./sagemaker/credentials";
import { WatsonMachineLearningAdapter } from "./watson-machine-learning/adapter";
import type { WatsonMachineLearningCredentials } from "./watson-machine-learning/credentials";
import { OpenScaleError } from "../errors";
import { ServiceTypes, type ServiceType } from "./service-types";
import { parseOrThrow } from "../validation";

/** The adapter for a binding's engine, its credentials checked again (they may come from an older version's store). */
export function createAdapter(serviceType: ServiceType, credentials: unknown, options: AdapterOptions = {}): EngineAdapter {
  const checked = parseOrThrow(credentialSchemas[serviceType], credentials, `stored credentials for ${serviceType}`, "credentials");
  switch (serviceType) {
    case ServiceTypes.CUSTOM_MACHINE_LEARNING:
      return new CustomEngineAdapter(checked as CustomCredentials, options);
    case ServiceTypes.WATSON_MACHINE_LEARNING:
      return new WatsonMachineLearningAdapter(checked as WatsonMachineLearningCredentials, options);
    case ServiceTypes.AZURE_MACHINE_LEARNING:
      return new AzureMachineLearningStudioAdapter(checked as AzureCredentials, options);
    case ServiceTypes.AZURE_MACHINE_LEARNING_SERVICE:
      return new AzureMachineLearningServiceAdapter(checked as AzureCredentials, options);
    case ServiceTypes.SAGEMAKER_MACHINE_LEARNING:
      return new SageMakerAdapter(checked as SageMakerCredentials, options);
    default: {
      const unknown: never = serviceType;
      throw new OpenScaleError(`No adapter for service type '${String(unknown)}'.`);
    }
  }
}
