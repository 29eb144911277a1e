import { z } from "zod";
import { httpUrl, nonEmpty } from "./schema-parts";

/** An Azure AD service principal (client credentials) in a subscription: what both Azure ML engines bind with. */
export interface AzureCredentials {
  tenant: string;
  client_id: string;
  client_secret: string;
  subscription_id: string;
  /** Azure AD authority override (default `https://login.microsoftonline.com`). */
  login_url?: string;
  /** Azure Resource Manager override (default `https://management.azure.com`). */
  management_url?: string;
  /** PEM certificate to trust for this engine's hosts only (a local engine's CA). */
  ca_certificate?: string;
}

export const azureCredentialsSchema: z.ZodType<AzureCredentials> = z.strictObject({
  tenant: nonEmpty("the Azure AD tenant id"),
  client_id: nonEmpty("the service principal's client (application) id"),
  client_secret: nonEmpty("the service principal's client secret"),
  subscription_id: nonEmpty("the Azure subscription id"),
  login_url: httpUrl.optional(),
  management_url: httpUrl.optional(),
  ca_certificate: z.string().optional(),
});
