import { MachineLearningInstance } from "../instance";
import { ServiceTypes } from "../service-types";
import { watsonMachineLearningCredentialsSchema, type WatsonMachineLearningCredentials } from "./credentials";

/** An IBM Watson Machine Learning service instance. */
export class WatsonMachineLearningInstance extends MachineLearningInstance<WatsonMachineLearningCredentials> {
  constructor(credentials: WatsonMachineLearningCredentials) {
    super(
      "WatsonMachineLearningInstance",
      ServiceTypes.WATSON_MACHINE_LEARNING,
      watsonMachineLearningCredentialsSchema,
      credentials,
      (c) => c.instance_id,
    );
  }
}
