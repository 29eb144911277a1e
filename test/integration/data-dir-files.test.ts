import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { APIClient, ValidationError } from "../../src/index";

const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "openscale-files-"));
after(() => fs.rmSync(tempDir, { recursive: true, force: true }));

describe("the data mart folder", () => {
  test("is 0700 with files 0600 whatever the umask (a child process with umask 0)", () => {
    const dataDir = path.join(tempDir, "umask0");
    const script = path.join(tempDir, "umask0.ts");
    fs.writeFileSync(
      script,
      `import { APIClient } from ${JSON.stringify(path.resolve(__dirname, "../../src/index"))};
       process.umask(0);
       (async () => {
         const client = new APIClient({ data_dir: ${JSON.stringify(dataDir)} }, { table() {}, chart() {}, print() {}, warn() {} });
         await client.data_mart.setup();
         await client.data_mart.bindings.get_uids();
         await client.close();
       })();`,
    );
    execFileSync(process.execPath, ["--import", "tsx", script], { stdio: "inherit" });
    const wrong: string[] = [];
    const check = (file: string) => {
      const stat = fs.statSync(file);
      const want = stat.isDirectory() ? 0o700 : 0o600;
      if ((stat.mode & 0o777) !== want) wrong.push(`${(stat.mode & 0o777).toString(8)} ${path.relative(dataDir, file) || "."}`);
    };
    check(dataDir);
    for (const entry of fs.readdirSync(dataDir, { recursive: true })) check(path.join(dataDir, String(entry)));
    assert.ok(fs.existsSync(path.join(dataDir, "db", "pg_wal")));
    assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} entries readable by others`);
  });

  test("a data_dir that is a file gets an error naming the path and the fix", () => {
    const file = path.join(tempDir, "a-file");
    fs.writeFileSync(file, "not a folder");
    for (const data_dir of [file, path.join(file, "inside")]) {
      assert.throws(
        () => new APIClient({ data_dir }),
        (error: unknown) =>
          error instanceof ValidationError &&
          error.issues[0]!.path === "data_dir" &&
          error.message.includes(file) &&
          /not a folder: give a folder path/.test(error.message) &&
          !/ENOTDIR/.test(error.message),
      );
    }
  });
});
