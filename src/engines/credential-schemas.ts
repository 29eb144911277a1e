import type { z } from "zod";
import { azureCredentialsSchema } from "./azure-credentials";
import { customCredentialsSchema } from "./custom/credentials";
import { sageMakerCredentialsSchema } from "./sagemaker/credentials";
import { ServiceTypes, type ServiceType } from "./service-types";
import { watsonMachineLearningCredentialsSchema } from "./watson-machine-learning/credentials";

/** The credentials schema of each engine type, for checks away from the Instance classes (the service re-checks). */
export const credentialSchemas: Record<ServiceType, z.ZodType<object>> = {
  [ServiceTypes.WATSON_MACHINE_LEARNING]: watsonMachineLearningCredentialsSchema,
  [ServiceTypes.AZURE_MACHINE_LEARNING]: azureCredentialsSchema,
  [ServiceTypes.AZURE_MACHINE_LEARNING_SERVICE]: azureCredentialsSchema,
  [ServiceTypes.SAGEMAKER_MACHINE_LEARNING]: sageMakerCredentialsSchema,
  [ServiceTypes.CUSTOM_MACHINE_LEARNING]: customCredentialsSchema,
};
