import { z } from "zod";
import { httpUrl, nonEmpty } from "../schema-parts";

/** Watson Machine Learning service credentials (the JSON IBM Cloud shows for the service), plus optional host overrides. */
export interface WatsonMachineLearningCredentials {
  /** IBM Cloud API key, exchanged for an IAM token. */
  apikey: string;
  /** Regional endpoint, e.g. `https://us-south.ml.cloud.ibm.com`. */
  url: string;
  /** The WML service instance id. */
  instance_id?: string;
  /** The deployment space whose deployments are listed (WML v4). */
  space_id?: string;
  username?: string;
  password?: string;
  iam_apikey_description?: string;
  iam_apikey_name?: string;
  iam_role_crn?: string;
  iam_serviceid_crn?: string;
  /** IAM host override (default `https://iam.cloud.ibm.com`), for a local engine or another IAM. */
  iam_url?: string;
  /** PEM certificate to trust for this engine's hosts only. */
  ca_certificate?: string;
}

export const watsonMachineLearningCredentialsSchema: z.ZodType<WatsonMachineLearningCredentials> = z.strictObject({
  apikey: nonEmpty("the IBM Cloud API key"),
  url: httpUrl,
  instance_id: z.string().min(1).optional(),
  space_id: z.string().min(1).optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  iam_apikey_description: z.string().optional(),
  iam_apikey_name: z.string().optional(),
  iam_role_crn: z.string().optional(),
  iam_serviceid_crn: z.string().optional(),
  iam_url: httpUrl.optional(),
  ca_certificate: z.string().optional(),
});
