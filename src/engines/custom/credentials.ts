import { z } from "zod";
import { headers, httpUrl } from "../schema-parts";

/** Credentials of a custom engine implementing OpenScale's custom ML engine contract. */
export interface CustomCredentials {
  /** Base URL of the engine; deployments are listed at `{url}/v1/deployments`. */
  url: string;
  /** HTTP Basic auth user (give with `password`). */
  username?: string;
  password?: string;
  /** Extra headers sent with every request (an API key header, say). */
  request_headers?: Record<string, string>;
}

export const customCredentialsSchema: z.ZodType<CustomCredentials> = z
  .strictObject({
    url: httpUrl,
    username: z.string().min(1, "must not be empty").optional(),
    password: z.string().min(1, "must not be empty").optional(),
    request_headers: headers.optional(),
  })
  .superRefine((c, ctx) => {
    if ((c.username === undefined) !== (c.password === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: [c.username === undefined ? "username" : "password"],
        message: "Basic auth needs both username and password: give both, or neither",
      });
    }
  });
