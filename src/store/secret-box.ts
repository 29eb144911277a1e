/**
 * Secrets at rest: engine credentials are sealed with AES-256-GCM before they reach the data mart's database, so
 * neither a database dump nor the files of the embedded database (its write-ahead log included) show them.
 *
 * A sealed value reads `osk1:<key id>:<iv>:<ciphertext>:<tag>` (base64url parts): a format version, the id of the key
 * that sealed it (so a wrong key is named as such, and keys can rotate later), a random 96-bit IV per value, and the
 * GCM tag, checked on every open. The caller's context (for a binding: its table and uid) is bound in as additional
 * authenticated data, so a sealed value copied onto another row does not open there.
 *
 * The key: `OPENSCALE_SECRET_KEY` (32 bytes as base64 or hex) when set, else the key file `datamart.key` beside
 * `datamart.json` in the data_dir (mode 0600, made on first use from crypto.randomBytes), else — for an in-memory
 * client — a random key that lives as long as the client.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { SecretKeyError } from "../errors";

export const SECRET_KEY_VARIABLE = "OPENSCALE_SECRET_KEY";
export const KEY_FILE = "datamart.key";
const FORMAT = "osk1";
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const EXPECTED_FORM = `32 random bytes written as 64 hex digits or 44 base64 characters (make one with \`openssl rand -base64 32\`)`;

/** True when `value` looks like something `SecretBox.seal` made (any key). */
export function isSealed(value: unknown): value is string {
  return typeof value === "string" && value.startsWith(`${FORMAT}:`);
}

/**
 * Reads a 32-byte key written as hex or base64 (standard or URL-safe, padding optional). `source` names where the
 * text came from; a malformed key is an error naming it and the expected form, never echoing the text.
 */
export function parseSecretKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) key = Buffer.from(trimmed, "hex");
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) key = Buffer.from(trimmed.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  if (!key || key.length !== KEY_BYTES) {
    throw new SecretKeyError(`${source} is not a usable secret key: expected ${EXPECTED_FORM}; got ${trimmed.length} characters that are neither.`);
  }
  return key;
}

/** A short public name of a key: the first 8 hex digits of a SHA-256 over it (says which key, reveals nothing of it). */
export function keyIdOf(key: Buffer): string {
  return createHash("sha256").update("openscale-ts secret key id\u0000").update(key).digest("hex").slice(0, 8);
}

/** Seals and opens strings with one AES-256-GCM key. */
export class SecretBox {
  readonly keyId: string;
  private readonly key: Buffer;

  /** `source` says where the key came from, for error messages (never the key itself). */
  constructor(
    key: Buffer,
    readonly source: string,
  ) {
    if (key.length !== KEY_BYTES) throw new SecretKeyError(`${source} is not a usable secret key: expected ${KEY_BYTES} bytes, got ${key.length}.`);
    this.key = Buffer.from(key);
    this.keyId = keyIdOf(key);
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(this.aad(this.keyId, context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return [FORMAT, this.keyId, iv.toString("base64url"), ciphertext.toString("base64url"), cipher.getAuthTag().toString("base64url")].join(":");
  }

  /**
   * Opens what `seal` made for the same context. A value sealed with another key, a malformed value, and one that
   * fails its integrity check are each a SecretKeyError saying which, naming `subject` (what the value belongs to).
   */
  open(sealed: string, context: string, subject: string): string {
    const parts = sealed.split(":");
    if (parts.length !== 5 || parts[0] !== FORMAT) {
      throw new SecretKeyError(`The stored secrets of ${subject} are not in a format this version reads (expected ${FORMAT}:…). Delete it and add it again.`);
    }
    const [, keyId, iv, ciphertext, tag] = parts as [string, string, string, string, string];
    if (keyId !== this.keyId) {
      throw new SecretKeyError(
        `The data mart's secret key does not match: was ${SECRET_KEY_VARIABLE} changed, or the key file ${KEY_FILE} beside datamart.json ` +
          `replaced or deleted? The secrets of ${subject} were sealed with key ${keyId}; the key in use (${this.source}) is ${this.keyId}. ` +
          `Restore the key they were sealed with (set ${SECRET_KEY_VARIABLE} to it, or put the key file back), or delete the binding and add it again.`,
      );
    }
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.key, Buffer.from(iv, "base64url"), { authTagLength: TAG_BYTES });
      decipher.setAAD(this.aad(keyId, context));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
    } catch {
      // GCM says only "unable to authenticate": the row was altered, moved to another row, or corrupted.
      throw new SecretKeyError(
        `The stored secrets of ${subject} failed their integrity check: the database row was altered or corrupted. Delete it and add it again.`,
      );
    }
  }

  private aad(keyId: string, context: string): Buffer {
    return Buffer.from(`${FORMAT}:${keyId}:${context}`, "utf8");
  }
}

/**
 * The data mart's key, found on first use: `OPENSCALE_SECRET_KEY` when set, else `<folder>/datamart.key` (created
 * when missing), else (no folder: an in-memory client) a random key kept in memory. Returns a function that
 * gives the same SecretBox on every call; a bad key fails each call (nothing is cached until one works).
 */
export function secretBoxProvider(folder: string | undefined, env: NodeJS.ProcessEnv = process.env): () => SecretBox {
  let box: SecretBox | undefined;
  return () => (box ??= findSecretBox(folder, env));
}

function findSecretBox(folder: string | undefined, env: NodeJS.ProcessEnv): SecretBox {
  const fromEnv = env[SECRET_KEY_VARIABLE];
  if (fromEnv !== undefined && fromEnv.trim() !== "") {
    return new SecretBox(parseSecretKey(fromEnv, `The environment variable ${SECRET_KEY_VARIABLE}`), SECRET_KEY_VARIABLE);
  }
  if (folder === undefined) return new SecretBox(randomBytes(KEY_BYTES), "a key kept in memory by this in-memory client");
  const file = path.join(folder, KEY_FILE);
  return new SecretBox(readOrCreateKeyFile(file), `the key file ${file}`);
}

/** Reads the key file, or creates it (mode 0600) with a fresh random key. Two clients racing here end with one key. */
export function readOrCreateKeyFile(file: string): Buffer {
  const existing = readKeyFile(file);
  if (existing) return existing;
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const fd = fs.openSync(temp, "wx", 0o600);
  try {
    fs.writeSync(fd, `${randomBytes(KEY_BYTES).toString("base64")}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    // link() never replaces a file: whoever links first wins, and everyone reads the winner's key.
    fs.linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw keyFileError(file, error);
  } finally {
    fs.rmSync(temp, { force: true });
  }
  return readKeyFile(file)!;
}

function readKeyFile(file: string): Buffer | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw keyFileError(file, error);
  }
  return parseSecretKey(text, `The key file ${file}`);
}

function keyFileError(file: string, error: unknown): SecretKeyError {
  const code = (error as NodeJS.ErrnoException).code ?? "error";
  return new SecretKeyError(
    `The data mart's secret key file ${file} cannot be read or written (${code}): check the folder's permissions, or set ${SECRET_KEY_VARIABLE}.`,
    { cause: error },
  );
}
