/**
 * `openscale apikeys` and `openscale serve` as a user runs them: a key printed once and listed without its secret,
 * the server printing its URL (never a key), answering, and stopping cleanly on SIGTERM; a database it cannot reach
 * is a clear message and exit code 1, without the password.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";

const root = path.resolve(__dirname, "../..");
const cli = (args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], { cwd: root, encoding: "utf8", timeout: 60_000 });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "openscale-server-cli-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("openscale apikeys and serve", () => {
  test("a key is printed once; serve prints its URL, answers, and stops on SIGTERM", async () => {
    const created = cli(["apikeys", "create", "--role", "admin", "--data-mart", "dm1", "--data-dir", dir]);
    assert.equal(created.status, 0, created.stderr);
    const key = created.stdout.trim().split("\n").at(-1)!;
    assert.match(key, /^osk_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    const listed = cli(["apikeys", "list", "--data-dir", dir]);
    assert.equal(listed.status, 0, listed.stderr);
    assert.match(listed.stdout, /admin\s+dm1/);
    assert.ok(!listed.stdout.includes(key.split("_")[2]!), "the secret is never shown again");
    assert.equal(cli(["apikeys", "create", "--role", "root", "--data-mart", "dm1", "--data-dir", dir]).status, 2);

    const server = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "serve", "--data-dir", dir, "--port", "0"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    server.stdout.on("data", (d) => (out += String(d)));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 60_000);
      server.stdout.on("data", () => {
        const m = /listening on (\S+)/.exec(out);
        if (m) (clearTimeout(timer), resolve(m[1]!));
      });
    });
    const token = await fetch(`${url}/identity/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: `grant_type=urn:ibm:params:oauth:grant-type:apikey&apikey=${key}` });
    assert.equal(token.status, 200);
    const exited = new Promise<number | null>((resolve) => server.on("exit", resolve));
    server.kill("SIGTERM");
    assert.equal(await exited, 0);
    assert.match(out, /"url":"\/identity\/token"[\s\S]*"msg":"request completed"/, "the request's log lines, written (batched) by the time it stopped");
    assert.ok(!out.includes(key) && !out.includes("osk_"), "no key in the server's output");
  });

  test("a database it cannot reach: a clear message naming it, exit code 1, no password", () => {
    const r = cli(["serve", "--db", "postgres://openscale:s3cret-pw@127.0.0.1:1/nowhere", "--port", "0"]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /cannot open its database/);
    assert.match(r.stderr, /127\.0\.0\.1:1/);
    assert.ok(!r.stderr.includes("s3cret-pw"));
  });
});
