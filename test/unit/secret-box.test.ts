import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { SecretKeyError } from "../../src/errors";
import { KEY_FILE, SecretBox, isSealed, parseSecretKey, readOrCreateKeyFile, secretBoxProvider } from "../../src/store/secret-box";

const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "openscale-secret-box-"));
after(() => fs.rmSync(tempDir, { recursive: true, force: true }));

const SECRET = "s3cr3t-password-Äpfel-🔑";

describe("SecretBox", () => {
  test("round trip; every seal has its own IV; the ciphertext shows nothing of the plaintext", () => {
    const box = new SecretBox(randomBytes(32), "test key");
    const a = box.seal(SECRET, "ctx");
    const b = box.seal(SECRET, "ctx");
    assert.notEqual(a, b, "a fresh IV per value");
    assert.ok(isSealed(a));
    assert.match(a, new RegExp(`^osk1:${box.keyId}:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+:[A-Za-z0-9_-]{22}$`));
    assert.ok(!a.includes("s3cr3t") && !Buffer.from(a).toString("base64").includes(Buffer.from("s3cr3t").toString("base64")));
    assert.equal(box.open(a, "ctx", "x"), SECRET);
    assert.equal(box.open(box.seal("", "ctx"), "ctx", "x"), "");
  });

  test("a changed byte anywhere, or another context, fails the integrity check with a clear error", () => {
    const box = new SecretBox(randomBytes(32), "test key");
    const sealed = box.seal(SECRET, "service_bindings:b1");
    const parts = sealed.split(":");
    for (const index of [2, 3, 4]) {
      const part = Buffer.from(parts[index]!, "base64url");
      part[0] ^= 1;
      const tampered = [...parts.slice(0, index), part.toString("base64url"), ...parts.slice(index + 1)].join(":");
      assert.throws(() => box.open(tampered, "service_bindings:b1", "binding 'b1'"), (e: unknown) => e instanceof SecretKeyError && /binding 'b1'.*failed their integrity check.*altered/.test((e as Error).message), `part ${index}`);
    }
    assert.throws(() => box.open(sealed, "service_bindings:b2", "binding 'b2'"), /integrity check/, "moved onto another row");
    assert.throws(() => box.open("not sealed", "c", "binding 'b1'"), (e: unknown) => e instanceof SecretKeyError && /format/.test((e as Error).message));
  });

  test("a wrong key is named as such, not as a crypto error", () => {
    const sealed = new SecretBox(randomBytes(32), "old key").seal(SECRET, "ctx");
    const other = new SecretBox(randomBytes(32), "OPENSCALE_SECRET_KEY");
    assert.throws(
      () => other.open(sealed, "ctx", "binding 'b1' (My engine)"),
      (e: unknown) =>
        e instanceof SecretKeyError &&
        /^The data mart's secret key does not match: was OPENSCALE_SECRET_KEY changed/.test((e as Error).message) &&
        /binding 'b1' \(My engine\)/.test((e as Error).message) &&
        /delete the binding and add it again/.test((e as Error).message) &&
        !/unable to authenticate|bad decrypt/i.test((e as Error).message),
    );
  });
});

describe("the secret key", () => {
  const key = randomBytes(32);

  test("hex and base64 (standard, URL-safe, unpadded) of 32 bytes are read", () => {
    for (const text of [key.toString("hex"), key.toString("hex").toUpperCase(), key.toString("base64"), key.toString("base64url"), ` ${key.toString("base64")}\n`]) {
      assert.deepEqual(parseSecretKey(text, "k"), key, text);
    }
  });

  test("a malformed OPENSCALE_SECRET_KEY is an error naming the variable and the expected form, without echoing it", () => {
    for (const bad of ["hunter2-hunter2", randomBytes(16).toString("hex"), randomBytes(31).toString("base64"), randomBytes(33).toString("base64"), "z".repeat(64), `${key.toString("hex")}00`]) {
      const get = secretBoxProvider(path.join(tempDir, "unused"), { OPENSCALE_SECRET_KEY: bad });
      assert.throws(get, (e: unknown) => {
        const message = (e as Error).message;
        return e instanceof SecretKeyError && /OPENSCALE_SECRET_KEY/.test(message) && /64 hex digits or 44 base64 characters/.test(message) && !message.includes(bad);
      }, bad);
    }
    assert.equal(fs.existsSync(path.join(tempDir, "unused")), false, "no key file is made when the variable is set");
  });

  test("OPENSCALE_SECRET_KEY wins over the key file", () => {
    const box = secretBoxProvider(tempDir, { OPENSCALE_SECRET_KEY: key.toString("base64") })();
    assert.equal(box.keyId, new SecretBox(key, "k").keyId);
    assert.equal(box.source, "OPENSCALE_SECRET_KEY");
  });

  test("without it, a key file is made on first use beside datamart.json (mode 0600) and read back after", () => {
    const folder = path.join(tempDir, "data");
    const first = secretBoxProvider(folder, {});
    assert.equal(fs.existsSync(path.join(folder, KEY_FILE)), false, "nothing before first use");
    const sealed = first().seal(SECRET, "ctx");
    const file = path.join(folder, KEY_FILE);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(fs.readdirSync(folder), [KEY_FILE], "no temporary file left");
    assert.equal(secretBoxProvider(folder, {})().open(sealed, "ctx", "x"), SECRET, "a later client reads the same key");
    assert.equal(readOrCreateKeyFile(file).length, 32);
  });

  test("a damaged key file is an error naming the file", () => {
    const folder = path.join(tempDir, "damaged");
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, KEY_FILE), "not a key\n");
    assert.throws(secretBoxProvider(folder, {}), (e: unknown) => e instanceof SecretKeyError && (e as Error).message.includes(path.join(folder, KEY_FILE)));
  });

  test("an in-memory client keeps a random key in memory", () => {
    const get = secretBoxProvider(undefined, {});
    assert.equal(get(), get(), "the same key for the client's life");
    assert.notEqual(get().keyId, secretBoxProvider(undefined, {})().keyId);
  });
});
