import { azureCredentialsSchema, type AzureCredentials } from "../azure-credentials";
import { MachineLearningInstance } from "../instance";
import { ServiceTypes } from "../service-types";

/** Azure Machine Learning Studio (classic) web services in a subscription. */
export class AzureMachineLearningInstance extends MachineLearningInstance<AzureCredentials> {
  constructor(credentials: AzureCredentials) {
    super("AzureMachineLearningInstance", ServiceTypes.AZURE_MACHINE_LEARNING, azureCredentialsSchema, credentials);
  }
}

/** The v1 SDK's newer name for {@link AzureMachineLearningInstance}. */
export class AzureMachineLearningStudioInstance extends AzureMachineLearningInstance {}
