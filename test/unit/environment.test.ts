import assert from "node:assert/strict";
import { test } from "node:test";
import { ValidationError, credentialsFromEnvironment } from "../../src/index";

test("credentials come from a JSON environment variable, or the fallback when unset", () => {
  delete process.env.OPENSCALE_TEST_CREDS;
  assert.deepEqual(credentialsFromEnvironment("OPENSCALE_TEST_CREDS", { url: "local" }), { url: "local" });
  process.env.OPENSCALE_TEST_CREDS = '{"url": "https://cloud", "apikey": "k"}';
  assert.deepEqual(credentialsFromEnvironment("OPENSCALE_TEST_CREDS", { url: "local" }), { url: "https://cloud", apikey: "k" });
  process.env.OPENSCALE_TEST_CREDS = "apikey=secret-value-123";
  assert.throws(
    () => credentialsFromEnvironment("OPENSCALE_TEST_CREDS", {}),
    (e: unknown) => e instanceof ValidationError && /OPENSCALE_TEST_CREDS: must hold the credentials as a JSON object/.test(e.message) && !e.message.includes("secret-value-123"),
  );
  delete process.env.OPENSCALE_TEST_CREDS;
});
