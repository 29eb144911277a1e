import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { DatabaseError, ValidationError } from "../../src/errors";
import { MIGRATIONS, dropAll, migrate } from "../../src/store/migrations";
import { PGliteStore } from "../../src/store/pglite-store";
import { resolvePostgresCredentials } from "../../src/store/postgres-credentials";
import { PostgresStore } from "../../src/store/postgres-store";
import type { Store } from "../../src/store/store";
import { startTestPostgres, withPassword, type TestPostgres } from "../support/postgres";

let postgres: TestPostgres;
const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "openscale-store-"));

before(async () => {
  postgres = await startTestPostgres();
});
after(async () => {
  await postgres.stop();
  fs.rmSync(tempDir, { recursive: true, force: true });
});

const stores: { name: string; open: () => Promise<Store> }[] = [
  { name: "PGlite in memory", open: () => PGliteStore.open() },
  { name: "PGlite in a folder", open: () => PGliteStore.open(path.join(tempDir, "db")) },
  {
    name: "PostgreSQL through pg",
    open: () => PostgresStore.open(resolvePostgresCredentials(postgres.url), `store_test_${process.pid}`),
  },
];

for (const { name, open } of stores) {
  describe(`store: ${name}`, () => {
    let store: Store;
    before(async () => {
      store = await open();
      await dropAll(store);
    });
    after(async () => {
      await dropAll(store);
      await store.close();
    });

    test("migrations apply once, and again is a no-op", async () => {
      assert.equal(await migrate(store), MIGRATIONS.length);
      assert.equal(await migrate(store), 0);
      const rows = await store.query<{ version: number }>("SELECT version FROM schema_migrations ORDER BY version");
      assert.deepEqual(rows.map((r) => r.version), MIGRATIONS.map((m) => m.version));
    });

    test("parameters, jsonb and timestamps round-trip the same way on every store", async () => {
      await store.query(
        "INSERT INTO service_bindings (guid, name, service_type, instance_id, credentials) VALUES ($1, $2, $3, $4, $5)",
        ["b1", "<b>name</b>", "custom_machine_learning", "i1", JSON.stringify({ url: "http://x", n: 1 })],
      );
      const [row] = await store.query<{ name: string; credentials: unknown; created_at: Date }>(
        "SELECT name, credentials, created_at FROM service_bindings WHERE guid = $1",
        ["b1"],
      );
      assert.equal(row!.name, "<b>name</b>");
      assert.deepEqual(row!.credentials, { url: "http://x", n: 1 });
      assert.ok(row!.created_at instanceof Date);
    });

    test("a failing transaction leaves nothing behind", async () => {
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.query(
            "INSERT INTO service_bindings (guid, name, service_type, instance_id, credentials) VALUES ('b2', 'n', 't', 'i2', '{}')",
          );
          await tx.query("SELECT * FROM no_such_table");
        }),
      );
      const rows = await store.query("SELECT guid FROM service_bindings WHERE guid = 'b2'");
      assert.equal(rows.length, 0);
    });

    test("describe() names where the data is and never a password", () => {
      const text = store.describe();
      assert.match(text, /PGlite|PostgreSQL/);
      assert.doesNotMatch(text, /postgres:postgres@|password/);
    });
  });
}

describe("PostgreSQL faults", () => {
  test("a refused connection names host and port and says what to check", async () => {
    const err = await PostgresStore.open(resolvePostgresCredentials("postgres://u:secret-pw@127.0.0.1:1/db"), "s").catch(
      (e: unknown) => e,
    );
    assert.ok(err instanceof DatabaseError);
    assert.match(err.message, /127\.0\.0\.1:1\/db refused the connection/);
    assert.doesNotMatch(err.message, /secret-pw/);
  });

  test("a wrong password is a clear login error without the password", async (t) => {
    if (postgres.kind !== "postgresql server") {
      // PGlite's wire server accepts any password; this fault needs a real server (CI starts one).
      const err = await PostgresStore.open(resolvePostgresCredentials("postgres://u:pw@127.0.0.1:1/db"), "s").catch((e) => e);
      assert.ok(err instanceof DatabaseError);
      return;
    }
    const err = await PostgresStore.open(resolvePostgresCredentials(withPassword(postgres.url, "wrong-pass-123")), "s").catch(
      (e: unknown) => e,
    );
    assert.ok(err instanceof DatabaseError, String(err));
    assert.match(err.message, /password authentication failed/);
    assert.doesNotMatch(err.message, /wrong-pass-123/);
  });

  test("credentials in every accepted form resolve, bad ones name the field", () => {
    assert.equal(resolvePostgresCredentials("postgres://a:b@h:5433/d").display, "h:5433/d");
    assert.equal(resolvePostgresCredentials({ uri: "postgresql://a:b@h/d", name: "x", uri_cli: "psql ..." }).display, "h:5432/d");
    assert.equal(
      resolvePostgresCredentials({ host: "h", port: 6000, username: "u", password: "p@ss", database: "d" }).display,
      "h:6000/d",
    );
    const cases: [unknown, RegExp][] = [
      ["mysql://h/d", /db_credentials: expected a connection URI/],
      [{ uri: 5 }, /db_credentials\.uri/],
      [{ host: "h", username: "u" }, /db_credentials\.database/],
      [{ host: "h", username: "u", database: "d", pasword: "x" }, /unknown field 'pasword'/],
      [{ uri: "postgres://h/d", ca_certificate_base64: "bm90IGEgY2VydA==" }, /ca_certificate_base64/],
      [42, /db_credentials: expected a connection string/],
    ];
    for (const [input, expected] of cases) {
      assert.throws(() => resolvePostgresCredentials(input), (e: unknown) => e instanceof ValidationError && expected.test(e.message));
    }
  });
});

describe("create_postgres_schema", () => {
  test("drops and re-creates the schema, as the tutorials do before setup", async () => {
    const { create_postgres_schema } = await import("../../src/store/create-postgres-schema");
    const schema = `tutorial_schema_${process.pid}`;
    const store = await PostgresStore.open(resolvePostgresCredentials(postgres.url), schema);
    await store.query("CREATE TABLE leftover (a int)");
    await create_postgres_schema(postgres.url, schema);
    const rows = await store.query("SELECT table_name FROM information_schema.tables WHERE table_schema = $1", [schema]);
    assert.deepEqual(rows, []);
    await store.close();
    await assert.rejects(create_postgres_schema(postgres.url, "bad; drop"), (e: unknown) => e instanceof ValidationError && /schema_name/.test((e as Error).message));
  });
});
