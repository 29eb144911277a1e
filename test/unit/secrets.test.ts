import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MASK, isSecretKey, redact, redactText, redactUrl } from "../../src/secrets";

describe("secrets", () => {
  test("secret field names are recognised; identifiers are not", () => {
    for (const k of ["password", "apikey", "api_key", "X-API-Key", "client_secret", "secret_access_key", "access_token", "Authorization", "ca_certificate_base64", "session_token"]) {
      assert.ok(isSecretKey(k), k);
    }
    for (const k of ["access_key_id", "client_id", "instance_id", "username", "url", "tenant", "region", "name"]) {
      assert.ok(!isSecretKey(k), k);
    }
  });

  test("redact masks secrets at any depth and keeps the rest", () => {
    const input = { url: "http://h", password: "p1", nested: { apikey: "k1", list: [{ client_secret: "s1", id: "keep" }] }, n: 3 };
    assert.deepEqual(redact(input), { url: "http://h", password: MASK, nested: { apikey: MASK, list: [{ client_secret: MASK, id: "keep" }] }, n: 3 });
    assert.equal(input.password, "p1", "the input is not changed");
  });

  test("passwords inside connection strings are masked, in values and in free text", () => {
    assert.equal(redactUrl("postgres://admin:s3cr3t@db.example:5432/x"), "postgres://admin:****@db.example:5432/x");
    assert.deepEqual(redact({ uri: "postgres://admin:s3cr3t@h/x" }), { uri: "postgres://admin:****@h/x" });
    assert.equal(redactText("failed for postgres://u:pw1@h/d with key ABC123", ["ABC123"]), "failed for postgres://u:****@h/d with key ****");
  });

});
