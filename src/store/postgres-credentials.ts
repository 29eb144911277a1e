import { z } from "zod";
import { ValidationError } from "../errors";
import { redactUrl } from "../secrets";
import { toIssues } from "../validation";

/**
 * How the tutorials hand over a PostgreSQL server: IBM Cloud's service credentials (`uri`, optional
 * `ca_certificate_base64`, plus descriptive fields), discrete fields, or a plain connection string.
 */
export type PostgresCredentials =
  | string
  | {
      uri: string;
      ca_certificate_base64?: string;
      db_type?: string;
      name?: string;
      [ibmField: string]: unknown;
    }
  | {
      host: string;
      port?: number;
      username: string;
      password?: string;
      database: string;
      sslmode?: string;
      ca_certificate_base64?: string;
      db_type?: string;
    };

/** What the pg driver needs, resolved from any accepted form. */
export interface PostgresConnection {
  connectionString: string;
  /** PEM CA to trust for this server only. */
  ca?: string;
  /** `host:port/database` for messages; no user, no password. */
  display: string;
  user: string;
}

const postgresUri = z
  .string()
  .trim()
  .refine((s) => /^postgres(ql)?:\/\//i.test(s), "expected a connection URI such as postgres://user:password@host:5432/database")
  .refine((s) => {
    try {
      return new URL(s).hostname.length > 0;
    } catch {
      return false;
    }
  }, "the URI has no host: write postgres://user:password@host:5432/database");

const base64Pem = z
  .string()
  .refine((s) => decodeBase64Pem(s) !== undefined, "expected the base64 of a PEM certificate (as IBM Cloud gives it)");

const uriForm = z.looseObject({
  uri: postgresUri,
  ca_certificate_base64: base64Pem.optional(),
  db_type: z.literal("postgresql", { error: "only \"postgresql\" is supported as db_type" }).optional(),
});

const fieldsForm = z.strictObject({
  host: z.string().trim().min(1, "must not be empty: give the server's host name"),
  port: z.number().int().min(1).max(65535).optional(),
  username: z.string().min(1, "must not be empty: give the database user"),
  password: z.string().optional(),
  database: z.string().min(1, "must not be empty: give the database name"),
  sslmode: z.enum(["disable", "prefer", "require", "verify-ca", "verify-full", "no-verify"]).optional(),
  ca_certificate_base64: base64Pem.optional(),
  db_type: z.literal("postgresql").optional(),
});

function decodeBase64Pem(value: string): string | undefined {
  const text = Buffer.from(value, "base64").toString("utf8");
  return text.includes("-----BEGIN CERTIFICATE-----") ? text : undefined;
}

/** Validates `db_credentials` and resolves them to a pg connection. Throws ValidationError naming the field. */
export function resolvePostgresCredentials(credentials: unknown): PostgresConnection {
  const subject = "db_credentials (PostgreSQL)";
  let uri: string;
  let caBase64: string | undefined;
  if (typeof credentials === "string") {
    const parsed = postgresUri.safeParse(credentials);
    if (!parsed.success) throw new ValidationError(subject, toIssues(parsed.error, "db_credentials"));
    uri = parsed.data;
  } else if (credentials && typeof credentials === "object" && "uri" in credentials) {
    const parsed = uriForm.safeParse(credentials);
    if (!parsed.success) throw new ValidationError(subject, toIssues(parsed.error, "db_credentials"));
    uri = parsed.data.uri;
    caBase64 = parsed.data.ca_certificate_base64;
  } else if (credentials && typeof credentials === "object") {
    const parsed = fieldsForm.safeParse(credentials);
    if (!parsed.success) throw new ValidationError(subject, toIssues(parsed.error, "db_credentials"));
    const c = parsed.data;
    const url = new URL("postgres://placeholder");
    url.hostname = c.host;
    if (c.port) url.port = String(c.port);
    url.username = c.username;
    if (c.password !== undefined) url.password = c.password;
    url.pathname = `/${c.database}`;
    if (c.sslmode) url.searchParams.set("sslmode", c.sslmode);
    uri = url.toString();
    caBase64 = c.ca_certificate_base64;
  } else {
    throw new ValidationError(subject, [
      {
        path: "db_credentials",
        message:
          "expected a connection string (postgres://user:password@host:5432/database) or an object with `uri` (as IBM Cloud gives it) or with host, port, username, password and database",
      },
    ]);
  }
  const url = new URL(uri);
  const database = decodeURIComponent(url.pathname.replace(/^\//, "")) || "postgres";
  return {
    connectionString: uri,
    ca: caBase64 ? decodeBase64Pem(caBase64) : undefined,
    display: `${url.hostname}:${url.port || 5432}/${database}`,
    user: decodeURIComponent(url.username),
  };
}

/** A connection string safe to show: the password masked. */
export function describeConnection(connection: PostgresConnection): string {
  return redactUrl(connection.connectionString);
}
