/** A bearer token for an API key, from a data mart server's IAM-style exchange (asserting that it answered 200). */
import assert from "node:assert/strict";

export async function tokenFor(url: string, apikey: string): Promise<string> {
  const r = await fetch(`${url}/identity/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ grant_type: "urn:ibm:params:oauth:grant-type:apikey", apikey }).toString() });
  const body = (await r.json()) as { access_token: string };
  assert.equal(r.status, 200, JSON.stringify(body));
  return body.access_token;
}
