import { MachineLearningInstance } from "../instance";
import { ServiceTypes } from "../service-types";
import { customCredentialsSchema, type CustomCredentials } from "./credentials";

/** A custom ML engine: any REST service implementing `GET /v1/deployments` and `{fields, values}` scoring. */
export class CustomMachineLearningInstance extends MachineLearningInstance<CustomCredentials> {
  constructor(credentials: CustomCredentials) {
    super("CustomMachineLearningInstance", ServiceTypes.CUSTOM_MACHINE_LEARNING, customCredentialsSchema, credentials);
  }
}
