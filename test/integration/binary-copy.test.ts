/**
 * Binary COPY (src/store/binary-copy.ts) stores every value as the text path does: the same rows sent through
 * copyBinary and through a parameterised INSERT of their text forms (as the ON CONFLICT path sends them) read back
 * the same, on embedded PGlite (COPY from a blob) and on the PostgreSQL server when OPENSCALE_TEST_POSTGRES_URL names
 * one (COPY FROM STDIN; PGlite served over the wire protocol takes no COPY).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { encodeBinaryCopy, type CopyType } from "../../src/store/binary-copy";
import { PGliteStore } from "../../src/store/pglite-store";
import { resolvePostgresCredentials } from "../../src/store/postgres-credentials";
import { PostgresStore } from "../../src/store/postgres-store";
import type { Queryable, Store } from "../../src/store/store";

const COLUMNS: { name: string; type: CopyType; sql: string }[] = [
  { name: "id", type: "int4", sql: "integer PRIMARY KEY" },
  { name: "label", type: "text", sql: "text" },
  { name: "score", type: "float8", sql: "double precision" },
  { name: "count", type: "int8", sql: "bigint" },
  { name: "flag", type: "bool", sql: "boolean" },
  { name: "at", type: "timestamptz", sql: "timestamptz" },
  { name: "probability", type: "float8[]", sql: "double precision[]" },
  { name: "answer", type: "jsonb", sql: "jsonb" },
];

const LONG_ASCII = "x".repeat(200);
const LONG_UNICODE = `${"é".repeat(70)}✓`;

/** One row per edge case, in column order; text values as toColumnValue leaves them (ISO times, JSON text). */
const ROWS: unknown[][] = [
  [1, "plain", 1.5, 12, true, "2026-11-01T10:00:00.000Z", [0.8, 0.2], '{"a":1}'],
  [2, "a,b", -0, 0, false, "1969-12-31T23:59:59.999Z", [], "null"],
  [3, 'say "hi"', 5e-324, -1, null, "1900-01-01T00:00:00.000Z", [-0, 1e-7, 1.7976931348623157e308], '[1,2.5,null,"x"]'],
  [4, "line\nbreak\r\nand\ttab", 0.1 + 0.2, 2 ** 53 + 2, true, "2000-01-01T00:00:00.000Z", [1], '"text, \\"quoted\\"\\n"'],
  [5, "back\\slash \\N \\.", -123.456, 2 ** 62, false, "2099-12-31T23:59:59.999Z", null, '{"nested":{"list":[true,false]}}'],
  [6, "", Number.MAX_VALUE, -(2 ** 63), null, "1999-12-31T23:59:59.999Z", [0.5, 0.5], '{"é":"✓ 😀"}'],
  [7, null, null, null, null, null, null, null],
  [8, "é ✓ 😀 中文", -Number.MIN_VALUE, 2 ** 31, true, "2026-03-29T01:30:00.000Z", [2, 3], "{}"],
  [9, LONG_ASCII, 1e21, 9007199254740993, false, "1970-01-01T00:00:00.000Z", [1e21, -1e-21], '{"long":"' + LONG_ASCII + '"}'],
  [10, LONG_UNICODE, 42, 7, true, "2026-11-01T10:00:00.001Z", [0], "[]"],
];

function columnsOf(rows: unknown[][]): unknown[][] {
  return COLUMNS.map((_, c) => rows.map((row) => row[c]));
}

/** The same rows as INSERT parameters: arrays as array text, as the ON CONFLICT path sends them. */
async function insertAsText(tx: Queryable, table: string, rows: unknown[][]): Promise<void> {
  const casts = COLUMNS.map((c, i) => `$${i + 1}::${c.sql.replace(" PRIMARY KEY", "")}`).join(", ");
  for (const row of rows) {
    const params = row.map((v, c) => (COLUMNS[c]!.type === "float8[]" && Array.isArray(v) ? `{${v.join(",")}}` : typeof v === "number" && COLUMNS[c]!.type === "int8" ? BigInt(v).toString() : v));
    await tx.query(`INSERT INTO ${table} VALUES (${casts})`, params);
  }
}

const stores: { name: string; open: () => Promise<Store> }[] = [{ name: "PGlite (COPY from a blob)", open: () => PGliteStore.open() }];
const url = process.env.OPENSCALE_TEST_POSTGRES_URL;
if (url) stores.push({ name: "PostgreSQL (COPY FROM STDIN)", open: () => PostgresStore.open(resolvePostgresCredentials(url), `binary_copy_${process.pid}`) });

for (const { name, open } of stores) {
  describe(`binary COPY: ${name}`, () => {
    let store: Store;
    before(async () => {
      store = await open();
      for (const table of ["copied", "inserted"]) {
        await store.query(`DROP TABLE IF EXISTS ${table}`);
        await store.query(`CREATE TABLE ${table} (${COLUMNS.map((c) => `"${c.name}" ${c.sql}`).join(", ")})`);
      }
    });
    after(async () => {
      if (store.kind === "postgresql") await store.query(`DROP SCHEMA binary_copy_${process.pid} CASCADE`);
      await store.close();
    });

    test("text, numbers, booleans, times, arrays and jsonb read back as the text path stores them", async () => {
      await store.transaction(async (tx) => {
        assert.ok(tx.copyBinary, "the store takes COPY");
        const data = encodeBinaryCopy(COLUMNS.map((c) => c.type), columnsOf(ROWS), ROWS.length);
        assert.equal(await tx.copyBinary("copied", COLUMNS.map((c) => c.name), data), "ok");
        await insertAsText(tx, "inserted", ROWS);
      });
      const read = (table: string) => store.query<{ row: string }>(`SELECT ${table}::text AS row FROM ${table} ORDER BY id`);
      const copied = await read("copied");
      assert.equal(copied.length, ROWS.length);
      assert.deepEqual(copied, await read("inserted"));

      const [row2] = await store.query<{ label: string; zero: string; answer_is_null: boolean; empty_dims: number | null }>(
        `SELECT label, score::text AS zero, answer IS NULL AS answer_is_null, array_ndims(probability) AS empty_dims FROM copied WHERE id = 2`,
      );
      assert.deepEqual(row2, { label: "a,b", zero: "0", answer_is_null: false, empty_dims: null }, "-0 is stored as 0; JSON null is not SQL NULL; [] has no dimensions");
      const [row6] = await store.query<{ label: string | null; count: string }>("SELECT label, count::text AS count FROM copied WHERE id = 6");
      assert.deepEqual(row6, { label: "", count: String(-(2n ** 63n)) }, "an empty string is not NULL");
      const [row7] = await store.query<{ nulls: number }>(`SELECT num_nulls(${COLUMNS.slice(1).map((c) => `"${c.name}"`).join(", ")}) AS nulls FROM copied WHERE id = 7`);
      assert.equal(row7!.nulls, COLUMNS.length - 1);
      const texts = await store.query<{ label: string | null }>("SELECT label FROM copied ORDER BY id");
      assert.deepEqual(texts.map((t) => t.label), ROWS.map((r) => r[1]));
    });

    test("a key stored already is a unique_violation, and the savepoint undoes the COPY", async () => {
      const data = encodeBinaryCopy(COLUMNS.map((c) => c.type), columnsOf(ROWS.slice(0, 2)), 2);
      await store.transaction(async (tx) => {
        await tx.query("SAVEPOINT copy");
        assert.equal(await tx.copyBinary!("copied", COLUMNS.map((c) => c.name), data), "unique_violation");
        await tx.query("ROLLBACK TO SAVEPOINT copy");
        await tx.query("INSERT INTO copied (id, label) VALUES (100, 'after')");
      });
      const [count] = await store.query<{ n: number }>("SELECT count(*)::int AS n FROM copied");
      assert.equal(count!.n, ROWS.length + 1);
    });

    test("a whole number beyond 64 bits is refused before anything is sent", () => {
      assert.throws(() => encodeBinaryCopy(["int8"], [[2 ** 63]], 1), /out of range for a 64-bit integer/);
    });
  });
}
