import { z } from "zod";
import { httpUrl, nonEmpty } from "../schema-parts";

/** AWS credentials for SageMaker endpoints in one region. */
export interface SageMakerCredentials {
  access_key_id: string;
  secret_access_key: string;
  /** AWS region, e.g. `us-east-1`. */
  region: string;
  session_token?: string;
  /** SageMaker API override (default `https://api.sagemaker.{region}.amazonaws.com`). */
  endpoint_url?: string;
  /** SageMaker runtime override (default `https://runtime.sagemaker.{region}.amazonaws.com`). */
  runtime_url?: string;
}

/** AWS region names: `us-east-1`, `eu-central-2`, `us-gov-west-1`, `ap-southeast-4`, `cn-north-1`. */
export const AWS_REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;

export const sageMakerCredentialsSchema: z.ZodType<SageMakerCredentials> = z.strictObject({
  access_key_id: nonEmpty("the AWS access key id"),
  secret_access_key: nonEmpty("the AWS secret access key"),
  region: z
    .string({ error: "expected the AWS region as a string, e.g. \"us-east-1\"" })
    .regex(AWS_REGION, "not an AWS region name: use the form \"us-east-1\""),
  session_token: z.string().optional(),
  endpoint_url: httpUrl.optional(),
  runtime_url: httpUrl.optional(),
});
