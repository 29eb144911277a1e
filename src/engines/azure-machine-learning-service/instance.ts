import { azureCredentialsSchema, type AzureCredentials } from "../azure-credentials";
import { MachineLearningInstance } from "../instance";
import { ServiceTypes } from "../service-types";

/** Azure Machine Learning (service) online endpoints in a subscription. */
export class AzureMachineLearningServiceInstance extends MachineLearningInstance<AzureCredentials> {
  constructor(credentials: AzureCredentials) {
    super(
      "AzureMachineLearningServiceInstance",
      ServiceTypes.AZURE_MACHINE_LEARNING_SERVICE,
      azureCredentialsSchema,
      credentials,
    );
  }
}
