/**
 * API keys: random, shown once, stored as a hash, each with a role and the one data mart it may use. A key is
 * `osk_<id>_<secret>`: the id finds the row, the secret (32 random bytes) is compared by its SHA-256, in constant
 * time. High-entropy keys need no slow hash; a leaked table gives no key. Revoking takes effect at the next request:
 * tokens are checked against their key's row every time.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { NotFoundError, ValidationError } from "../errors";
import type { Queryable } from "../store/store";

export const ROLES = ["admin", "editor", "viewer", "ingest"] as const;
/** Token lifetime: one hour, as IBM Cloud IAM's. */
export const TOKEN_SECONDS = 3600;
export type Role = (typeof ROLES)[number];

export interface ApiKeyRecord {
  id: string;
  role: Role;
  data_mart_id: string;
  description: string | null;
  created_at: string;
  revoked_at: string | null;
}

const KEY = /^osk_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
/** Anything shaped like a key, anywhere in a text (a URL): its secret part, and more, goes. */
const KEY_IN_TEXT = /osk_([a-z0-9]{12})_[A-Za-z0-9_%-]+/g;

/** The text with every API key in it cut to its id (`osk_<id>_****`): for logs. */
export function redactApiKeys(text: string): string {
  return text.replace(KEY_IN_TEXT, "osk_$1_****");
}

/** Whether the text holds something shaped like an API key. */
export function holdsApiKey(text: string): boolean {
  return new RegExp(KEY_IN_TEXT.source).test(text);
}
const DATA_MART_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

const hash = (secret: string) => createHash("sha256").update(secret).digest("hex");

interface KeyRow {
  id: string;
  secret_hash: string;
  role: Role;
  data_mart_id: string;
  description: string | null;
  created_at: Date | string;
  revoked_at: Date | string | null;
}

const toRecord = (r: KeyRow): ApiKeyRecord => ({
  id: r.id,
  role: r.role,
  data_mart_id: r.data_mart_id,
  description: r.description,
  created_at: new Date(r.created_at).toISOString(),
  revoked_at: r.revoked_at ? new Date(r.revoked_at).toISOString() : null,
});

export function checkDataMartId(id: unknown, path = "data_mart"): string {
  if (typeof id !== "string" || !DATA_MART_ID.test(id)) {
    throw new ValidationError("data mart id", [{ path, message: "expected letters, digits, _ and - (not first), at most 63 characters, e.g. dm1" }]);
  }
  return id;
}

/** A new key: its record, and the key itself, which is never stored and cannot be shown again. */
export async function createApiKey(db: Queryable, options: { role: string; data_mart_id: string; description?: string }): Promise<{ key: string; record: ApiKeyRecord }> {
  if (!(ROLES as readonly string[]).includes(options.role)) throw new ValidationError("API key", [{ path: "role", message: `expected one of ${ROLES.join(", ")}` }]);
  const data_mart_id = checkDataMartId(options.data_mart_id);
  const id = randomBytes(9).toString("base64url").toLowerCase().replace(/[^a-z0-9]/g, "0").slice(0, 12);
  const secret = randomBytes(32).toString("base64url");
  const [row] = await db.query<KeyRow>(
    "INSERT INTO openscale_server.api_keys (id, secret_hash, role, data_mart_id, description) VALUES ($1, $2, $3, $4, $5) RETURNING *",
    [id, hash(secret), options.role, data_mart_id, options.description ?? null],
  );
  return { key: `osk_${id}_${secret}`, record: toRecord(row!) };
}

export async function listApiKeys(db: Queryable): Promise<ApiKeyRecord[]> {
  return (await db.query<KeyRow>("SELECT * FROM openscale_server.api_keys ORDER BY created_at DESC, id")).map(toRecord);
}

/** The channel a revocation is announced on: servers keep active keys in memory and forget them when told (./active-keys.ts). */
export const REVOKED_CHANNEL = "openscale_api_key_revoked";

export async function revokeApiKey(db: Queryable, id: string): Promise<ApiKeyRecord> {
  // One statement: the notice goes out when the revocation commits, and only then.
  const [row] = await db.query<KeyRow>(
    `WITH revoked AS (UPDATE openscale_server.api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING *)
     SELECT revoked.*, pg_notify('${REVOKED_CHANNEL}', revoked.id) IS NULL AS notified FROM revoked`,
    [String(id)],
  );
  if (!row) throw new NotFoundError("API key", String(id), "`openscale apikeys list` shows the key ids.");
  return toRecord(row);
}

/** The active key a client presented, or undefined (malformed, unknown, wrong secret or revoked: the same answer). */
export async function verifyApiKey(db: Queryable, key: unknown): Promise<ApiKeyRecord | undefined> {
  const m = typeof key === "string" ? KEY.exec(key) : null;
  if (!m) return undefined;
  const [row] = await db.query<KeyRow>("SELECT * FROM openscale_server.api_keys WHERE id = $1", [m[1]]);
  if (!row || row.revoked_at) return undefined;
  const expected = Buffer.from(row.secret_hash, "hex");
  const given = Buffer.from(hash(m[2]!), "hex");
  return expected.length === given.length && timingSafeEqual(expected, given) ? toRecord(row) : undefined;
}

/** The key row behind a token, still active; undefined once revoked. */
export async function activeKey(db: Queryable, id: string): Promise<ApiKeyRecord | undefined> {
  const [row] = await db.query<KeyRow>("SELECT * FROM openscale_server.api_keys WHERE id = $1 AND revoked_at IS NULL", [id]);
  return row ? toRecord(row) : undefined;
}

/** The token signing secret, made once and shared by every server over the same database. */
export async function signingSecret(db: Queryable): Promise<Buffer> {
  await db.query("INSERT INTO openscale_server.server_secrets (name, value) VALUES ('token_signing', $1) ON CONFLICT (name) DO NOTHING", [randomBytes(32).toString("base64")]);
  const [row] = await db.query<{ value: string }>("SELECT value FROM openscale_server.server_secrets WHERE name = 'token_signing'");
  return Buffer.from(row!.value, "base64");
}
