import { MachineLearningInstance } from "../instance";
import { ServiceTypes } from "../service-types";
import { sageMakerCredentialsSchema, type SageMakerCredentials } from "./credentials";

/** AWS SageMaker endpoints in one account and region. */
export class SageMakerMachineLearningInstance extends MachineLearningInstance<SageMakerCredentials> {
  constructor(credentials: SageMakerCredentials) {
    super(
      "SageMakerMachineLearningInstance",
      ServiceTypes.SAGEMAKER_MACHINE_LEARNING,
      sageMakerCredentialsSchema,
      credentials,
    );
  }
}
