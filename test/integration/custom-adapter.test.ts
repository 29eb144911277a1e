import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { after, describe, test } from "node:test";
import { CustomEngineAdapter } from "../../src/engines/custom/adapter";
import {
  EngineAuthenticationError,
  EngineConnectionError,
  EngineRequestError,
  EngineResponseError,
  EngineServerError,
  EngineTimeoutError,
} from "../../src/engines/errors";
import type { EngineDeployment } from "../../src/engines/adapter";

const PASSWORD = "adapter-secret-pw";
const servers: http.Server[] = [];
after(() => servers.forEach((s) => s.close()));

/** A throwaway engine answering with `handler`; counts requests. */
async function engine(handler: (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void) {
  let count = 0;
  const requests: http.IncomingMessage[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req);
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      (req as { body?: string }).body = body;
      handler(req, res, ++count);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, requests, count: () => count, close: () => new Promise<void>((r) => server.close(() => r())) };
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(typeof body === "string" ? body : JSON.stringify(body));
}

const FLASK = {
  count: 1,
  resources: [
    {
      metadata: { guid: "credit", created_at: "2019-01-01T10:11:12Z", modified_at: "2019-01-02T12:00:22Z" },
      entity: {
        name: "German credit risk compliant deployment",
        description: "Scikit-learn credit risk model deployment",
        scoring_url: "http://h/v1/deployments/credit/online",
        asset: { name: "credit", guid: "credit" },
        asset_properties: { problem_type: "binary", input_data_type: "structured" },
      },
    },
  ],
};
const NODE = {
  resources: [
    {
      metadata: { guid: "84c4", url: "http://h/v1/deployments/84c4/online", created_at: "2020-01-01T00:00:00Z", modified_at: "x" },
      entity: {
        name: "AWS Iris MultiClass Deployment",
        type: "online",
        scoring_endpoint: { url: "http://h/v1/deployments/84c4/online" },
        asset: { asset_id: "9742", name: "AWS Iris MultiClass", asset_type: "model", created_at: "2019-12-31T00:00:00Z" },
        asset_properties: {},
        extra: "ignored",
      },
    },
  ],
};

function deploymentAt(url: string): EngineDeployment {
  return {
    deployment_id: "d",
    name: "d",
    created_at: "",
    deployment_type: "online",
    scoring_url: url,
    asset: { source_uid: "a", name: "a", created: "", type: "model", frameworks: [] },
  };
}

describe("custom engine adapter", () => {
  test("reads both deployment-list variants of the contract", async () => {
    const e = await engine((req, res) => json(res, 200, req.url?.includes("flask") ? FLASK : NODE));
    const node = await new CustomEngineAdapter({ url: e.url }).listDeployments();
    assert.deepEqual(node[0], {
      deployment_id: "84c4",
      name: "AWS Iris MultiClass Deployment",
      created_at: "2020-01-01T00:00:00Z",
      deployment_type: "online",
      scoring_url: "http://h/v1/deployments/84c4/online",
      url: "http://h/v1/deployments/84c4/online",
      asset: { source_uid: "9742", name: "AWS Iris MultiClass", created: "2019-12-31T00:00:00Z", type: "model", frameworks: [] },
    });
    const flask = await new CustomEngineAdapter({ url: `${e.url}/flask` }).listDeployments();
    assert.equal(flask[0]!.scoring_url, "http://h/v1/deployments/credit/online");
    assert.equal(flask[0]!.asset.source_uid, "credit");
    assert.equal(flask[0]!.asset.problem_type, "binary");
    assert.equal(flask[0]!.description, "Scikit-learn credit risk model deployment");
  });

  test("sends Basic auth and the request headers", async () => {
    const e = await engine((_req, res) => json(res, 200, NODE));
    await new CustomEngineAdapter({ url: e.url, username: "admin", password: PASSWORD, request_headers: { "X-Tenant": "t1" } }).listDeployments();
    const req = e.requests[0]!;
    assert.equal(req.url, "/v1/deployments");
    assert.equal(req.headers.authorization, `Basic ${Buffer.from(`admin:${PASSWORD}`).toString("base64")}`);
    assert.equal(req.headers["x-tenant"], "t1");
  });

  test("scores {fields, values} and returns the engine's answer", async () => {
    const e = await engine((req, res) => {
      const body = JSON.parse((req as { body?: string }).body!);
      json(res, 200, { fields: ["prediction", "probability"], labels: ["a", "b"], values: body.values.map(() => ["a", [0.9, 0.1]]) });
    });
    const out = await new CustomEngineAdapter({ url: e.url }).score(deploymentAt(`${e.url}/score`), { fields: ["x"], values: [[1], [2]] });
    assert.deepEqual(out, { fields: ["prediction", "probability"], labels: ["a", "b"], values: [["a", [0.9, 0.1]], ["a", [0.9, 0.1]]] });
    assert.deepEqual(JSON.parse((e.requests[0] as { body?: string }).body!), { fields: ["x"], values: [[1], [2]] });
  });

  test("a refused connection is EngineConnectionError naming the engine and URL", async () => {
    const e = await engine((_req, res) => json(res, 200, NODE));
    await e.close();
    const err = await new CustomEngineAdapter({ url: e.url }, { retries: 0 }).listDeployments().catch((x: unknown) => x);
    assert.ok(err instanceof EngineConnectionError, String(err));
    assert.match(err.message, new RegExp(`custom_machine_learning engine at ${e.url}/v1/deployments: refused the connection`));
    assert.equal(err.url, `${e.url}/v1/deployments`);
  });

  test("a silent engine is EngineTimeoutError saying the timeout", async () => {
    const e = await engine(() => undefined);
    const err = await new CustomEngineAdapter({ url: e.url }, { timeout_ms: 200, retries: 0 }).listDeployments().catch((x: unknown) => x);
    assert.ok(err instanceof EngineTimeoutError, String(err));
    assert.match(err.message, /did not answer within 200 ms/);
  });

  test("an engine trickling a byte every 300 ms fails list and score at the deadline, saying attempts and total time", async () => {
    const e = await engine((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const timer = setInterval(() => res.write(" "), 300);
      res.on("close", () => clearInterval(timer));
    });
    const adapter = new CustomEngineAdapter({ url: e.url }, { timeout_ms: 1000, retries: 2 });
    const bound = (ms: number, p: Promise<unknown>) =>
      Promise.race([p.then(() => assert.fail("expected a timeout"), (x: unknown) => x), new Promise((r) => setTimeout(() => r(`still pending after ${ms} ms`), ms).unref())]);
    const list = await bound(3 * 1000 * 3, adapter.listDeployments());
    assert.ok(list instanceof EngineTimeoutError, String(list));
    assert.match(list.message, /did not answer within 1000 ms on each of 3 attempts \(\d+\.\d s in all\)/);
    const score = await bound(3 * 1000, adapter.score(deploymentAt(`${e.url}/score`), { fields: ["x"], values: [[1]] }));
    assert.ok(score instanceof EngineTimeoutError, String(score));
    assert.match(score.message, /did not answer within 1000 ms \(1 attempt, \d+\.\d s\)/);
    await e.close();
  });

  test("verifyCredentials probes GET /v1/deployments: 401/403 fail with the engine's reason, an engine that is down or busy does not", async () => {
    for (const status of [401, 403]) {
      const e = await engine((_req, res) => json(res, status, { errors: [{ message: "not you" }] }));
      const err = await new CustomEngineAdapter({ url: e.url, username: "admin", password: PASSWORD }).verifyCredentials().catch((x: unknown) => x);
      assert.ok(err instanceof EngineAuthenticationError, String(err));
      assert.match(err.message, new RegExp(`${e.url}/v1/deployments: rejected the credentials \\(HTTP ${status}: not you\\)`));
      assert.equal(e.requests[0]!.url, "/v1/deployments");
      assert.equal(e.count(), 1);
    }
    const busy = await engine((_req, res) => json(res, 503, "busy"));
    await new CustomEngineAdapter({ url: busy.url }, { retries: 1 }).verifyCredentials();
    assert.equal(busy.count(), 2, "retried like any GET, then the binding is allowed");
    const down = await engine(() => undefined);
    await down.close();
    await new CustomEngineAdapter({ url: down.url }, { retries: 0 }).verifyCredentials();
    const ok = await engine((_req, res) => json(res, 200, FLASK));
    await new CustomEngineAdapter({ url: ok.url }).verifyCredentials();
  });

  test("401 is an authentication error that never shows the password", async () => {
    const e = await engine((_req, res) => json(res, 401, { errors: [{ message: "bad credentials" }] }));
    const err = await new CustomEngineAdapter({ url: e.url, username: "admin", password: PASSWORD }).listDeployments().catch((x: unknown) => x);
    assert.ok(err instanceof EngineAuthenticationError, String(err));
    assert.match(err.message, /rejected the credentials \(HTTP 401: bad credentials\)/);
    const shown = inspect(err, { depth: 10, showHidden: true }) + JSON.stringify(err);
    assert.ok(!shown.includes(PASSWORD), "no password");
    assert.ok(!shown.includes(Buffer.from(`admin:${PASSWORD}`).toString("base64")), "no Authorization header");
    assert.equal(e.count(), 1, "auth failures are not retried");
  });

  test("500 is retried on GET (1 + retries attempts), never on POST", async () => {
    const e = await engine((_req, res) => json(res, 500, { message: "model store unavailable" }));
    const get = await new CustomEngineAdapter({ url: e.url }, { retries: 2 }).listDeployments().catch((x: unknown) => x);
    assert.ok(get instanceof EngineServerError);
    assert.match(get.message, /failed with HTTP 500: model store unavailable/);
    assert.equal(e.count(), 1, "500 is not a transient status: no retry");
    const e2 = await engine((_req, res) => json(res, 503, "busy"));
    await new CustomEngineAdapter({ url: e2.url }, { retries: 2 }).listDeployments().catch(() => undefined);
    assert.equal(e2.count(), 3, "503 on GET: 1 + 2 retries");
    const e3 = await engine((_req, res) => json(res, 503, "busy"));
    const post = await new CustomEngineAdapter({ url: e3.url }, { retries: 2 }).score(deploymentAt(`${e3.url}/s`), { fields: [], values: [] }).catch((x: unknown) => x);
    assert.ok(post instanceof EngineServerError);
    assert.equal(e3.count(), 1, "POST is not retried");
  });

  test("503 then 200 succeeds on the retry", async () => {
    const e = await engine((_req, res, n) => (n === 1 ? json(res, 503, {}) : json(res, 200, NODE)));
    const list = await new CustomEngineAdapter({ url: e.url }, { retries: 1 }).listDeployments();
    assert.equal(list.length, 1);
    assert.equal(e.count(), 2);
  });

  test("other 4xx carry the engine's own reason", async () => {
    const e = await engine((_req, res) => json(res, 400, { errors: [{ code: "x", message: "Missing feature column(s): Age." }] }));
    const err = await new CustomEngineAdapter({ url: e.url }).score(deploymentAt(`${e.url}/s`), { fields: [], values: [] }).catch((x: unknown) => x);
    assert.ok(err instanceof EngineRequestError);
    assert.match(err.message, /HTTP 400: Missing feature column\(s\): Age\./);
  });

  test("malformed bodies are EngineResponseError saying what is wrong", async () => {
    const cases: [unknown, RegExp][] = [
      ["<html>oops</html>", /not JSON: <html>oops<\/html>/],
      [{ resources: "nope" }, /resources: /],
      [{ resources: [{ metadata: {}, entity: {} }] }, /resources\.0\.metadata\.guid/],
    ];
    for (const [body, message] of cases) {
      const e = await engine((_req, res) => json(res, 200, body));
      const err = await new CustomEngineAdapter({ url: e.url }).listDeployments().catch((x: unknown) => x);
      assert.ok(err instanceof EngineResponseError, String(err));
      assert.match(err.message, message);
      assert.match(err.message, new RegExp(e.url.replace(/\./g, "\\.")));
    }
  });

  test("a scoring answer with the wrong number of rows is rejected", async () => {
    const e = await engine((_req, res) => json(res, 200, { fields: ["p"], values: [["a"]] }));
    const err = await new CustomEngineAdapter({ url: e.url }).score(deploymentAt(`${e.url}/s`), { fields: ["x"], values: [[1], [2]] }).catch((x: unknown) => x);
    assert.ok(err instanceof EngineResponseError);
    assert.match(err.message, /answered 1 rows for 2 scored rows/);
  });

  test("request header values (API keys) are masked in error text too", async () => {
    const e = await engine((req, res) => json(res, 400, { message: `bad key ${String(req.headers["x-api-key"])}` }));
    const err = await new CustomEngineAdapter({ url: e.url, request_headers: { "X-API-Key": "header-secret-123" } }).listDeployments().catch((x: unknown) => x);
    assert.ok(err instanceof EngineRequestError);
    assert.ok(!(err as Error).message.includes("header-secret-123"));
    assert.match((err as Error).message, /bad key \*\*\*\*/);
  });

  test("fills what a minimal list leaves out: scoring URL, names, creation times, asset", async () => {
    const minimal = { resources: [{ metadata: { guid: "m1" }, entity: { asset: { created_at: "2021-05-05T00:00:00Z" } } }, { metadata: { guid: "m2" }, entity: {} }] };
    const e = await engine((_req, res) => json(res, 200, minimal));
    const [withAsset, bare] = await new CustomEngineAdapter({ url: e.url }).listDeployments();
    assert.deepEqual(withAsset, {
      deployment_id: "m1",
      name: "m1",
      created_at: "2021-05-05T00:00:00Z",
      deployment_type: "online",
      scoring_url: `${e.url}/v1/deployments/m1/online`,
      asset: { source_uid: "m1", name: "m1", created: "2021-05-05T00:00:00Z", type: "model", frameworks: [] },
    });
    assert.equal(bare!.created_at, "");
    assert.equal(bare!.asset.created, "");
  });

  test("errors may name the engine by the binding's name", async () => {
    const e = await engine((_req, res) => json(res, 404, { error: "no such route" }));
    const err = await new CustomEngineAdapter({ url: e.url }, { engine_name: "My custom engine" }).listDeployments().catch((x: unknown) => x);
    assert.ok(err instanceof EngineRequestError);
    assert.match(err.message, /^My custom engine engine at http:\/\/127\.0\.0\.1:\d+\/v1\/deployments: rejected the request with HTTP 404: no such route$/);
  });

  test("no failure of the adapter shows the password, the Authorization header or a request header secret", async () => {
    const credentials = { username: "admin", password: PASSWORD, request_headers: { "X-API-Key": "header-secret-456" } };
    const secrets = [PASSWORD, Buffer.from(`admin:${PASSWORD}`).toString("base64"), "header-secret-456"];
    const echo = await engine((req, res) => json(res, req.url === "/auth/v1/deployments" ? 401 : 500, { message: `${req.headers.authorization} ${req.headers["x-api-key"]}` }));
    const silent = await engine(() => undefined);
    const closed = await engine(() => undefined);
    await closed.close();
    const malformed = await engine((_req, res) => json(res, 200, { resources: [{ metadata: { guid: PASSWORD }, entity: { name: 7 } }] }));
    const options = { timeout_ms: 200, retries: 0 };
    const failures = await Promise.all([
      new CustomEngineAdapter({ ...credentials, url: `${echo.url}/auth` }, options).listDeployments(),
      new CustomEngineAdapter({ ...credentials, url: echo.url }, options).listDeployments(),
      new CustomEngineAdapter({ ...credentials, url: silent.url }, options).listDeployments(),
      new CustomEngineAdapter({ ...credentials, url: closed.url }, options).listDeployments(),
      new CustomEngineAdapter({ ...credentials, url: malformed.url }, options).listDeployments(),
      new CustomEngineAdapter({ ...credentials, url: echo.url }, options).score(deploymentAt(`${echo.url}/s`), { fields: ["x"], values: [[1]] }),
    ].map((p) => p.then(() => assert.fail("expected a failure"), (x: unknown) => x)));
    assert.deepEqual(
      failures.map((f) => (f as Error).constructor.name),
      ["EngineAuthenticationError", "EngineServerError", "EngineTimeoutError", "EngineConnectionError", "EngineResponseError", "EngineServerError"],
    );
    for (const f of failures) {
      const shown = [String(f), inspect(f, { depth: 10, showHidden: true }), JSON.stringify(f)].join("\n");
      for (const secret of secrets) assert.ok(!shown.includes(secret), `a secret leaked: ${shown}`);
    }
  });
});
