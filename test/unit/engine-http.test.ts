import assert from "node:assert/strict";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { after, describe, test } from "node:test";
import { z } from "zod";
import { createEngineHttp, EngineHttp } from "../../src/engines/http";
import {
  EngineAuthenticationError,
  EngineConnectionError,
  EngineError,
  EngineRequestError,
  EngineResponseError,
  EngineServerError,
  EngineTimeoutError,
} from "../../src/engines/errors";
import { engineReason } from "../../src/engines/http-failures";
import { MAX_RETRY_AFTER_MS, retryAfterMs, retryDelayMs, noteRetryAfter } from "../../src/engines/retry-policy";
import { shownUrl } from "../../src/engines/shown-url";

const PASSWORD = "http-secret-pw-42";
const BEARER = "bearer-token-abcdef";
const BASIC = Buffer.from(`admin:${PASSWORD}`).toString("base64");
const packageVersion = (require("../../package.json") as { version: string }).version;

type Handler = (req: http.IncomingMessage & { body: string }, res: http.ServerResponse, n: number) => void;

const closers: (() => Promise<void>)[] = [];
after(() => Promise.all(closers.map((close) => close())));

/** A throwaway server on 127.0.0.1 answering with `handler`, counting the requests it sees. */
async function server(handler: Handler, create: (l: http.RequestListener) => http.Server = http.createServer) {
  let count = 0;
  const requests: (http.IncomingMessage & { body: string })[] = [];
  const s = create((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const r = Object.assign(req, { body });
      requests.push(r);
      handler(r, res, ++count);
    });
  });
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as AddressInfo).port;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  };
  closers.push(close);
  return { port, url: `${create === http.createServer ? "http" : "https"}://127.0.0.1:${port}`, requests, count: () => count, close };
}

function reply(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(typeof body === "string" ? body : JSON.stringify(body));
}

/** `promise`, or a failed assertion once `ms` have passed without it settling (a hung call must fail the test, not hang it). */
function settlesWithin<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new assert.AssertionError({ message: `still pending after ${ms} ms` })), ms);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

async function failure(promise: Promise<unknown>): Promise<EngineError> {
  const error = await promise.then(
    () => assert.fail("expected the request to fail"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof EngineError, `expected an EngineError, got ${String(error)}`);
  return error;
}

/** Everything an error could show: message, full inspection (hidden fields, causes) and JSON. */
function everythingShown(error: unknown): string {
  return [String(error), inspect(error, { depth: 10, showHidden: true }), JSON.stringify(error)].join("\n");
}

function assertNoSecret(error: unknown): void {
  const shown = everythingShown(error);
  for (const secret of [PASSWORD, BASIC, BEARER]) assert.ok(!shown.includes(secret), `secret leaked in:\n${shown}`);
}

describe("engine HTTP layer: requests", () => {
  test("sends the User-Agent with the package version, default and per-request headers, Basic auth and params", async () => {
    const s = await server((_req, res) => reply(res, 200, { ok: true }));
    const engine = createEngineHttp({ engine: "e", baseUrl: `${s.url}/base/`, headers: { "X-Tenant": "t1" }, auth: { username: "admin", password: PASSWORD } });
    const response = await engine.request<{ ok: boolean }>({ method: "GET", url: "/v1/things", params: { limit: 5 }, headers: { "X-Trace": "abc" } });
    assert.deepEqual(response.data, { ok: true });
    assert.equal(response.status, 200);
    assert.equal(response.headers["content-type"], "application/json");
    const req = s.requests[0]!;
    assert.equal(req.url, "/base/v1/things?limit=5");
    assert.equal(req.headers["user-agent"], `openscale-ts/${packageVersion}`);
    assert.equal(req.headers["x-tenant"], "t1");
    assert.equal(req.headers["x-trace"], "abc");
    assert.equal(req.headers.authorization, `Basic ${BASIC}`);
  });

  test("POSTs JSON and applies the parse schema", async () => {
    const s = await server((req, res) => reply(res, 201, { echoed: JSON.parse(req.body) }));
    const engine = new EngineHttp({ engine: "e" });
    const schema = z.object({ echoed: z.object({ a: z.number() }) });
    const response = await engine.request({ method: "POST", url: `${s.url}/x`, data: { a: 1 }, parse: (b) => schema.parse(b) });
    assert.equal(response.data.echoed.a, 1);
    assert.equal(s.requests[0]!.headers["content-type"], "application/json");
  });

  test("text answers are handed to parse as text", async () => {
    const s = await server((_req, res) => {
      res.writeHead(200, { "content-type": "text/csv" });
      res.end("0.9\n0.1\n");
    });
    const response = await new EngineHttp({ engine: "e" }).request({ method: "POST", url: s.url, data: "1,2", text: true, parse: (b) => String(b).trim().split("\n") });
    assert.deepEqual(response.data, ["0.9", "0.1"]);
  });
});

describe("engine HTTP layer: retries", () => {
  test("GET on 503 is tried 1 + retries times, then fails as EngineServerError", async () => {
    const s = await server((_req, res) => reply(res, 503, { message: "warming up" }));
    const error = await failure(new EngineHttp({ engine: "e", retries: 2 }).request({ method: "GET", url: s.url }));
    assert.ok(error instanceof EngineServerError);
    assert.match(error.message, /HTTP 503: warming up/);
    assert.equal(s.count(), 3);
  });

  test("retries: 0 means a single attempt", async () => {
    const s = await server((_req, res) => reply(res, 502, "bad gateway"));
    await failure(new EngineHttp({ engine: "e", retries: 0 }).request({ method: "GET", url: s.url }));
    assert.equal(s.count(), 1);
  });

  test("POST is never retried, unless declared idempotent", async () => {
    const s = await server((_req, res) => reply(res, 504, {}));
    const engine = new EngineHttp({ engine: "e", retries: 2 });
    await failure(engine.request({ method: "POST", url: s.url, data: {} }));
    assert.equal(s.count(), 1, "plain POST: one attempt");
    await failure(engine.request({ method: "POST", url: s.url, data: {}, idempotent: true }));
    assert.equal(s.count(), 4, "idempotent POST: 1 + 2 attempts");
  });

  test("500 and 4xx are not retried: another attempt would meet the same fault", async () => {
    const s = await server((req, res) => reply(res, req.url === "/500" ? 500 : 404, { error: "nope" }));
    const engine = new EngineHttp({ engine: "e", retries: 2 });
    assert.ok((await failure(engine.request({ method: "GET", url: `${s.url}/500` }))) instanceof EngineServerError);
    assert.ok((await failure(engine.request({ method: "GET", url: `${s.url}/404` }))) instanceof EngineRequestError);
    assert.equal(s.count(), 2);
  });

  test("503 then 200 succeeds on the retry", async () => {
    const s = await server((_req, res, n) => (n === 1 ? reply(res, 503, {}) : reply(res, 200, { n })));
    const response = await new EngineHttp({ engine: "e", retries: 1 }).request<{ n: number }>({ method: "GET", url: s.url });
    assert.deepEqual(response.data, { n: 2 });
  });

  test("429 with Retry-After is retried", async () => {
    const s = await server((_req, res, n) => (n === 1 ? reply(res, 429, { message: "slow down" }, { "retry-after": "0" }) : reply(res, 200, [])));
    const response = await new EngineHttp({ engine: "e" }).request({ method: "GET", url: s.url });
    assert.deepEqual(response.data, []);
    assert.equal(s.count(), 2);
  });

  test("a reset connection is retried on GET and reported as EngineConnectionError on POST", async () => {
    const s = await server((req, res, n) => (n === 1 || req.method === "POST" ? req.socket.destroy() : reply(res, 200, { n })));
    const engine = new EngineHttp({ engine: "e", retries: 1 });
    assert.deepEqual((await engine.request({ method: "GET", url: s.url })).data, { n: 2 });
    const error = await failure(engine.request({ method: "POST", url: s.url, data: {} }));
    assert.ok(error instanceof EngineConnectionError, String(error));
    assert.equal(s.count(), 3);
  });

  test("a silent engine times out on every attempt: EngineTimeoutError saying the timeout", async () => {
    const s = await server(() => undefined);
    const error = await failure(new EngineHttp({ engine: "silent", timeout_ms: 200, retries: 1 }).request({ method: "GET", url: `${s.url}/v1/x` }));
    assert.ok(error instanceof EngineTimeoutError, String(error));
    assert.match(error.message, /^silent engine at http:\/\/127\.0\.0\.1:\d+\/v1\/x: did not answer within 200 ms/);
    assert.equal(s.count(), 2);
  });

  test("an engine trickling a byte every 300 ms is cut off at the deadline, on every attempt, and the message says how long in all", async () => {
    // Headers at once, then one body byte every 300 ms: never idle for a second, never done either.
    const s = await server((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write("[");
      const timer = setInterval(() => res.write(" "), 300);
      res.on("close", () => clearInterval(timer));
    });
    const engine = new EngineHttp({ engine: "trickling", timeout_ms: 1000, retries: 2 });
    const started = Date.now();
    const error = await failure(settlesWithin(engine.request({ method: "GET", url: `${s.url}/v1/deployments` }), 3 * 1000 * 3));
    const elapsed = Date.now() - started;
    assert.ok(error instanceof EngineTimeoutError, String(error));
    assert.equal(s.count(), 3, "1 + retries attempts");
    assert.ok(elapsed >= 3 * 1000, `each attempt waits out its deadline (${elapsed} ms)`);
    assert.match(error.message, /^trickling engine at http:\/\/127\.0\.0\.1:\d+\/v1\/deployments: did not answer within 1000 ms on each of 3 attempts \((\d+\.\d) s in all\)/);
    const said = Number(/\((\d+\.\d) s in all\)/.exec(error.message)![1]);
    assert.ok(Math.abs(said * 1000 - elapsed) < 1000, `the message's total (${said} s) is the time taken (${elapsed} ms)`);
  });

  test("a trickling engine's headers never finishing is cut off too; a POST makes one attempt and says so", async () => {
    const net = await import("node:net");
    const trickler = net.createServer((socket) => {
      socket.write("HTTP/1.1 200 OK\r\nX-Slow: ");
      const timer = setInterval(() => socket.write("a"), 300);
      socket.on("close", () => clearInterval(timer));
      socket.on("error", () => clearInterval(timer));
    });
    await new Promise<void>((r) => trickler.listen(0, "127.0.0.1", r));
    closers.push(() => new Promise<void>((r) => trickler.close(() => r())));
    const url = `http://127.0.0.1:${(trickler.address() as AddressInfo).port}/score`;
    const error = await failure(settlesWithin(new EngineHttp({ engine: "trickling", timeout_ms: 1000 }).request({ method: "POST", url, data: {} }), 3 * 1000));
    assert.ok(error instanceof EngineTimeoutError, String(error));
    assert.match(error.message, /did not answer within 1000 ms \(1 attempt, \d+\.\d s\)/);
  });

  test("retry policy: doubling backoff, Retry-After in seconds or as a date, capped", () => {
    const timeout = new EngineTimeoutError("e", "u", "m");
    assert.equal(retryDelayMs(timeout, 1), 100);
    assert.equal(retryDelayMs(timeout, 3), 400);
    const busy = new EngineServerError("e", "u", "m", 503);
    noteRetryAfter(busy, "2");
    assert.equal(retryDelayMs(busy, 1), 2000);
    const throttled = new EngineRequestError("e", "u", "m", 429);
    noteRetryAfter(throttled, "3600");
    assert.equal(retryDelayMs(throttled, 1), MAX_RETRY_AFTER_MS);
    const now = Date.parse("2024-01-01T00:00:00Z");
    assert.equal(retryAfterMs("Mon, 01 Jan 2024 00:00:03 GMT", now), 3000);
    assert.equal(retryAfterMs("soon", now), undefined);
    assert.equal(retryDelayMs(new EngineServerError("e", "u", "m", 500), 1), undefined);
    assert.equal(retryDelayMs(new EngineAuthenticationError("e", "u", "m", 401), 1), undefined);
    assert.equal(retryDelayMs(new EngineConnectionError("e", "u", "m", undefined, { cause: { code: "ENOTFOUND" } }), 1), undefined);
    assert.equal(retryDelayMs(new EngineConnectionError("e", "u", "m", undefined, { cause: { code: "ECONNREFUSED" } }), 2), 200);
  });
});

describe("engine HTTP layer: failures", () => {
  test("a refused connection is EngineConnectionError naming the engine and URL", async () => {
    const s = await server(() => undefined);
    await s.close();
    const error = await failure(new EngineHttp({ engine: "custom_machine_learning", retries: 0 }).request({ method: "GET", url: `${s.url}/v1/deployments` }));
    assert.ok(error instanceof EngineConnectionError);
    assert.equal(error.url, `${s.url}/v1/deployments`);
    assert.match(error.message, /^custom_machine_learning engine at http:\/\/127\.0\.0\.1:\d+\/v1\/deployments: refused the connection/);
    assert.equal((error.cause as { code?: string }).code, "ECONNREFUSED");
  });

  test("401 and 403 are EngineAuthenticationError asking to check the credentials", async () => {
    const s = await server((req, res) => reply(res, req.url === "/401" ? 401 : 403, { errors: [{ message: "invalid token" }] }));
    for (const status of [401, 403]) {
      const error = await failure(new EngineHttp({ engine: "e" }).request({ method: "GET", url: `${s.url}/${status}` }));
      assert.ok(error instanceof EngineAuthenticationError);
      assert.equal(error.status, status);
      assert.match(error.message, new RegExp(`HTTP ${status}: invalid token\\)\\. Check them\\.`));
    }
    assert.equal(s.count(), 2, "not retried");
  });

  test("4xx carry the engine's own reason in its usual shapes, or the start of a text body", async () => {
    const bodies: Record<string, unknown> = {
      "/errors": { errors: [{ code: "c", message: "Missing field Age" }] },
      "/message": { message: "bad payload" },
      "/error": { error: "invalid_request" },
      "/nested": { error: { message: "deep reason" } },
      "/text": `<html>${"x".repeat(300)}</html>`,
    };
    const s = await server((req, res) => reply(res, 422, bodies[req.url!]));
    const expected: [string, RegExp][] = [
      ["/errors", /HTTP 422: Missing field Age$/],
      ["/message", /HTTP 422: bad payload$/],
      ["/error", /HTTP 422: invalid_request$/],
      ["/nested", /HTTP 422: deep reason$/],
      ["/text", new RegExp(`HTTP 422: <html>x{194}…$`)],
    ];
    for (const [path, message] of expected) {
      const error = await failure(new EngineHttp({ engine: "e" }).request({ method: "POST", url: `${s.url}${path}`, data: {} }));
      assert.ok(error instanceof EngineRequestError);
      assert.match(error.message, message);
    }
    assert.equal(engineReason("not json"), undefined);
    assert.equal(engineReason("null"), undefined);
  });

  test("a redirect is not followed: the error says where it points", async () => {
    const s = await server((_req, res) => reply(res, 301, "", { location: "https://user:pw-in-url@elsewhere.example/v1?sig=abc&v=1" }));
    const error = await failure(new EngineHttp({ engine: "e" }).request({ method: "GET", url: s.url }));
    assert.ok(error instanceof EngineRequestError);
    assert.match(error.message, /HTTP 301\) to https:\/\/elsewhere\.example\/v1\?sig=\*\*\*\*&v=1\. Use the final URL/);
  });

  test("a body that is not JSON, or fails the schema, is EngineResponseError saying what was wrong", async () => {
    const s = await server((req, res) => reply(res, 200, req.url === "/html" ? "<html>oops</html>" : { items: [{ id: 1 }] }));
    const engine = new EngineHttp({ engine: "e" });
    const html = await failure(engine.request({ method: "GET", url: `${s.url}/html` }));
    assert.ok(html instanceof EngineResponseError);
    assert.match(html.message, /answered 200 with a body that is not JSON: <html>oops<\/html>/);
    const schema = z.object({ items: z.array(z.object({ id: z.string() })) });
    const shape = await failure(engine.request({ method: "GET", url: `${s.url}/shape`, parse: (b) => schema.parse(b) }));
    assert.ok(shape instanceof EngineResponseError);
    assert.match(shape.message, /does not follow its protocol: items\.0\.id: /);
    assert.equal(s.count(), 2, "malformed answers are not retried");
  });
});

describe("engine HTTP layer: secrets", () => {
  test("URLs in errors lose user info and secret-looking query values, and keep the rest", () => {
    assert.equal(
      shownUrl("https://admin:pw@h:8443/score?version=2024-01-01&apikey=k1&sig=s1&code=c1&space_id=abc"),
      "https://h:8443/score?version=2024-01-01&apikey=****&sig=****&code=****&space_id=abc",
    );
    assert.equal(shownUrl("http://h/v1/deployments"), "http://h/v1/deployments");
    assert.equal(shownUrl(`not a url with ${PASSWORD}`, [PASSWORD]), "not a url with ****");
  });

  test("no failure shows the password, the Basic token or a Bearer token, even in its causes", async () => {
    const echo = await server((req, res) => reply(res, req.url === "/auth" ? 401 : 400, { message: `got ${req.headers.authorization} and ${req.headers["x-api-key"]}` }));
    const silent = await server(() => undefined);
    const closed = await server(() => undefined);
    await closed.close();
    const basic = new EngineHttp({ engine: "e", retries: 0, timeout_ms: 200, auth: { username: "admin", password: PASSWORD } });
    const bearer = new EngineHttp({ engine: "e", retries: 0, timeout_ms: 200, headers: { "X-API-Key": PASSWORD } });
    const errors = [
      await failure(basic.request({ method: "GET", url: `${echo.url}/auth` })),
      await failure(basic.request({ method: "GET", url: `${echo.url}/bad` })),
      await failure(basic.request({ method: "GET", url: silent.url })),
      await failure(basic.request({ method: "GET", url: closed.url })),
      await failure(bearer.request({ method: "POST", url: `${echo.url}/bad`, headers: { Authorization: `Bearer ${BEARER}` }, data: {} })),
      await failure(bearer.request({ method: "GET", url: silent.url, headers: { Authorization: `Bearer ${BEARER}` } })),
      await failure(new EngineHttp({ engine: "e", retries: 0 }).request({ method: "GET", url: `http://admin:${PASSWORD}@127.0.0.1:${closed.port}/?token=${BEARER}` })),
    ];
    assert.ok(errors[0] instanceof EngineAuthenticationError);
    assert.match(errors[1]!.message, /got Basic \*\*\*\* and undefined/, "an echoed Authorization header is masked");
    assert.match(errors[4]!.message, /got \*\*\*\* and \*\*\*\*/);
    assert.ok(errors[2] instanceof EngineTimeoutError);
    assert.ok(errors[2]!.cause instanceof Error, "the transport cause is kept, without the axios request config");
    assert.ok(errors[3] instanceof EngineConnectionError);
    errors.forEach(assertNoSecret);
  });
});

describe("engine HTTP layer: TLS", () => {
  test("`ca` trusts one engine's certificate without turning verification off", async () => {
    const { generate } = await import("selfsigned");
    const now = Date.now();
    const pems = await generate([{ name: "commonName", value: "127.0.0.1" }], {
      keyType: "ec",
      curve: "P-256",
      algorithm: "sha256",
      notBeforeDate: new Date(now - 60_000),
      notAfterDate: new Date(now + 3600_000),
      extensions: [
        { name: "basicConstraints", cA: true, critical: true },
        { name: "keyUsage", digitalSignature: true, keyCertSign: true, critical: true },
        { name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] },
      ],
    } as never);
    const s = await server(
      (_req, res) => reply(res, 200, { secure: true }),
      (listener) => https.createServer({ cert: pems.cert, key: pems.private }, listener),
    );
    const trusted = await new EngineHttp({ engine: "tls", ca: pems.cert }).request({ method: "GET", url: s.url });
    assert.deepEqual(trusted.data, { secure: true });
    const untrusted = await failure(new EngineHttp({ engine: "tls", retries: 0 }).request({ method: "GET", url: s.url }));
    assert.ok(untrusted instanceof EngineConnectionError);
    assert.match(untrusted.message, /TLS verification failed \(\w+\)/);
    assert.equal(process.env.NODE_TLS_REJECT_UNAUTHORIZED, undefined);
    assert.equal(https.globalAgent.options.ca, undefined);
  });
});
