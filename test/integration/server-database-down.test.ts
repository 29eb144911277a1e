/**
 * The data mart server when its database is not there. At start (`openscale serve --db …`): a login refused for its
 * password, a server that hangs up, one that never answers: exit code 1 and a message naming the server and the
 * fix, never the password. During requests (PGlite over the wire, stopped under a running server: the shared
 * cluster is never stopped here): 503 in v1's shape saying to try again, nothing stored, then normal answers once
 * the database is back.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { startTestPostgres, withPassword, type TestPostgres } from "../support/postgres";
import { assertV1Error, startServedMart, type ServedMart } from "../support/served-mart";

const root = path.resolve(__dirname, "../..");
/** `openscale serve --db db` to its end (asynchronously: the fake servers below answer from this process). */
async function serveOn(db: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "serve", "--db", db, "--port", "0"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += String(d)));
  child.stderr.on("data", (d) => (stderr += String(d)));
  const status = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  return { status, stdout, stderr };
}

/**
 * A PostgreSQL server as far as its first answers go: `refuse-password` asks for the password and refuses it
 * (SQLSTATE 28P01, as PostgreSQL does), `hang-up` closes every connection at once, `silent` never answers.
 */
async function fakePostgres(behaviour: "refuse-password" | "hang-up" | "silent"): Promise<{ url: (password: string) => string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    if (behaviour === "hang-up") return void socket.destroy();
    if (behaviour === "silent") return;
    let asked = false;
    socket.on("data", (data) => {
      if (data.length === 8 && data.readInt32BE(4) === 80877103) return void socket.write("N"); // no TLS
      if (!asked) {
        asked = true; // the startup message: ask for a cleartext password
        const request = Buffer.alloc(9);
        request.write("R", 0);
        request.writeInt32BE(8, 1);
        request.writeInt32BE(3, 5);
        return void socket.write(request);
      }
      const fields = Buffer.from("SFATAL\0VFATAL\0C28P01\0Mpassword authentication failed for user \"openscale\"\0\0");
      const error = Buffer.alloc(5);
      error.write("E", 0);
      error.writeInt32BE(4 + fields.length, 1);
      socket.end(Buffer.concat([error, fields]));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: (password) => `postgres://openscale:${password}@127.0.0.1:${port}/openscale`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function assertRefusedAtStart(r: Awaited<ReturnType<typeof serveOn>>, passwords: string[], expected: RegExp): void {
  assert.equal(r.status, 1, `exit code: ${r.stdout}${r.stderr}`);
  assert.match(r.stderr, /openscale serve: The data mart server cannot open its database: PostgreSQL at 127\.0\.0\.1:\d+\/\w+/);
  assert.match(r.stderr, expected);
  for (const password of passwords) assert.ok(!`${r.stdout}${r.stderr}`.includes(password), "no password printed");
  assert.ok(!/listening on/.test(r.stdout), "it never listened");
}

describe("the server when its database is not there", () => {
  test("at start: a refused password, a server that hangs up, one that never answers: exit code 1, a clear message, no password", { timeout: 120_000 }, async () => {
    const refusing = await fakePostgres("refuse-password");
    const hangingUp = await fakePostgres("hang-up");
    const silent = await fakePostgres("silent");
    try {
      assertRefusedAtStart(await serveOn(refusing.url("wrong-pw-1")), ["wrong-pw-1"], /refused the login of user 'openscale': password authentication failed\. Check the password/);
      assertRefusedAtStart(await serveOn(hangingUp.url("pw-2")), ["pw-2"], /closed the connection before answering\. Check that the host and port are a PostgreSQL server's/);
      assertRefusedAtStart(await serveOn(silent.url("pw-3")), ["pw-3"], /did not answer in time.*Check the host, port and any firewall/);
    } finally {
      await Promise.all([refusing.close(), hangingUp.close(), silent.close()]);
    }
    // The real server too, with a wrong password, where one is given (PGlite over the wire takes any password).
    const real = process.env.OPENSCALE_TEST_POSTGRES_URL;
    if (real) assertRefusedAtStart(await serveOn(withPassword(real, "not-the-password-3")), ["not-the-password-3", new URL(real).password], /password authentication failed\. Check the password/);
  });
});

describe("the database gone while the server runs", () => {
  let postgres: TestPostgres;
  let mart: ServedMart;
  before(async () => {
    postgres = await startTestPostgres({ pglite: true });
    mart = await startServedMart("dbdown", { postgres });
  });
  after(async () => {
    await mart?.stop();
    await postgres?.stop();
  });

  test("503 in v1's shape saying to try again, nothing stored, then normal answers once it is back", { timeout: 120_000 }, async () => {
    const dm = `/v1/data_marts/${mart.dm}`;
    const log = (id: string) => mart.call("POST", `${dm}/scoring_payloads`, { key: mart.keys.ingest, body: [mart.record(id)] });
    assert.equal((await log("before-outage")).status, 202);
    await mart.token(mart.keys.viewer); // tokens taken before the outage: requests reach the database
    const comeBack = await postgres.takeDown!();
    const password = new URL(postgres.url).password;
    try {
      const requests: [string, () => ReturnType<ServedMart["call"]>][] = [
        ["log payloads", () => log("during-outage")],
        ["read a subscription", () => mart.call("GET", `${dm}/subscriptions/${mart.subscription_uid}`, { key: mart.keys.viewer })],
        ["list bindings", () => mart.call("GET", `${dm}/service_bindings`, { key: mart.keys.viewer })],
        ["read payloads", () => mart.call("GET", `${dm}/scoring_transactions?subscription_id=${mart.subscription_uid}`, { key: mart.keys.viewer })],
        ["exchange a key for a token", () => mart.call("POST", "/identity/token", { raw: new URLSearchParams({ grant_type: "urn:ibm:params:oauth:grant-type:apikey", apikey: mart.keys.editor }).toString(), contentType: "application/x-www-form-urlencoded" })],
      ];
      for (const [what, request] of requests) {
        const r = await request();
        const message = assertV1Error(r, 503, what);
        assert.equal(r.body.errors[0].code, "service_unavailable", what);
        assert.match(message, /PostgreSQL at 127\.0\.0\.1:\d+.*try again/, what);
        assert.ok(!message.includes(password), `${what}: no password`);
      }
    } finally {
      await comeBack();
    }
    // Back: the first requests may meet connections that died with the database (503 again); never anything else.
    let answer = await log("after-outage");
    for (let attempt = 0; answer.status === 503 && attempt < 5; attempt++) answer = await log("after-outage");
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    assert.equal((await mart.call("GET", `${dm}/subscriptions/${mart.subscription_uid}`, { key: mart.keys.viewer })).status, 200);
    const page = await mart.call("GET", `${dm}/scoring_transactions?subscription_id=${mart.subscription_uid}&limit=100`, { key: mart.keys.viewer });
    const ids = new Set((page.body.values as unknown[][]).map((row) => String(row[page.body.fields.indexOf("scoring_id")]).replace(/-\d+$/, "")));
    assert.deepEqual([...ids].sort(), ["after-outage", "before-outage"], "the request refused with 503 stored nothing");
  });
});
