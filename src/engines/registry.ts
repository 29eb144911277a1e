import type { AdapterOptions, EngineAdapter, EngineDeployment, FieldsValues } from "./adapter";
import { credentialSchemas } from "./credential-schemas";
import { AzureMachineLearningStudioAdapter } from "./azure-machine-learning-studio/adapter";
import type { AzureCredentials } from "./azure-credentials";
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
    case ServiceTypes.SAGEMAKER_MACHINE_LEARNING:
      return new SageMakerAdapter(checked as SageMakerCredentials, options);
    default:
      return new UnavailableAdapter(serviceType);
  }
}

/** Stands in for an engine whose adapter this version does not have yet: every call says so. */
class UnavailableAdapter implements EngineAdapter {
  constructor(readonly serviceType: ServiceType) {}

  private fail(what: string): never {
    throw new OpenScaleError(`${what} of ${this.serviceType} engines is not available in this version of openscale-ts yet (custom, Watson Machine Learning, Azure ML Studio and SageMaker engines are).`);
  }

  async listDeployments(): Promise<EngineDeployment[]> {
    this.fail("Listing assets");
  }

  async score(_deployment: EngineDeployment, _payload: FieldsValues): Promise<FieldsValues> {
    this.fail("Scoring");
  }
}
