/**
 * A chunk of payload rows as column arrays, and the two ways it is written: COPY on PostgreSQL (the fast path, in a
 * savepoint), or one INSERT … SELECT FROM unnest that keeps each request whole and skips stored scoring_ids.
 */
import { quoteName, type Queryable } from "../store/store";
import { SQL_TYPES, type PayloadField } from "./payload-schema";

/** Column arrays of the rows waiting to be inserted into one payload table, and of their performance samples. */
export class ChunkBuffer {
  readonly columns: unknown[][];
  readonly performance: unknown[][] = [[], [], [], [], []];
  /** For each row, its request's place (1-based) in the performance arrays. */
  readonly requestOfRow: number[] = [];
  rows = 0;
  constructor(readonly schema: PayloadField[]) {
    this.columns = schema.map(() => []);
  }
}

/**
 * The fast path on PostgreSQL: COPY the chunk's rows and performance samples straight into their tables, inside a
 * savepoint. When some scoring_id is stored already, both COPYs are undone and `undefined` tells the caller to insert
 * with ON CONFLICT instead.
 */
export async function copyNew(tx: Queryable, table: string, subscriptionGuid: string, buffer: ChunkBuffer): Promise<number | undefined> {
  if (!tx.copyCsv) return undefined;
  const names = buffer.schema.map((f) => quoteName(f.name)).join(", ");
  const csv = toCsv(buffer.columns, buffer.rows);
  const performance = toCsv([buffer.performance[0]!.map(() => subscriptionGuid), ...buffer.performance], buffer.performance[0]!.length);
  await tx.query("SAVEPOINT payload_copy");
  let outcome = await tx.copyCsv(`COPY ${quoteName(table)} (${names}) FROM STDIN WITH (FORMAT csv)`, csv);
  if (outcome === "ok") {
    outcome = await tx.copyCsv("COPY performance_metrics (subscription_guid, scoring_id, ts, deployment_id, response_time, records) FROM STDIN WITH (FORMAT csv)", performance);
  }
  await tx.query(outcome === "ok" ? "RELEASE SAVEPOINT payload_copy" : "ROLLBACK TO SAVEPOINT payload_copy");
  return outcome === "ok" ? buffer.rows : undefined;
}

/** Column arrays as CSV rows: NULL is an empty field, an empty string is quoted (""), other text quoted when it must be. */
function toCsv(columns: unknown[][], rows: number): string {
  const lines: string[] = new Array(rows);
  const cells: string[] = new Array(columns.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns.length; c++) {
      const v = columns[c]![r];
      cells[c] = v === null || v === undefined ? "" : typeof v === "number" ? String(v) : typeof v === "boolean" ? (v ? "t" : "f") : csvText(v as string);
    }
    lines[r] = cells.join(",");
  }
  return `${lines.join("\n")}\n`;
}

const NEEDS_QUOTES = /[",\r\n]/;

function csvText(text: string): string {
  if (text === "" || NEEDS_QUOTES.test(text)) return `"${text.replace(/"/g, '""')}"`;
  return text;
}

/**
 * Stores the chunk's requests whose scoring_id is new, each whole: the performance samples (one per request, unique
 * per subscription) are inserted first, and only the rows of the requests that went in follow. A request stored
 * before, with however many rows, keeps the rows it was stored with. One statement whatever the chunk's size.
 */
export async function insertNewRequests(tx: Queryable, table: string, subscriptionGuid: string, buffer: ChunkBuffer): Promise<{ requests: number; rows: number }> {
  const { schema } = buffer;
  const passedAsText = (f: PayloadField) => f.type === "array<double>" || f.type === "json";
  const first = 7; // $1 subscription, $2..$6 performance arrays, then one array per column, then the rows' requests
  const names = schema.map((f) => quoteName(f.name)).join(", ");
  const select = schema.map((f, i) => (passedAsText(f) ? `c${i}::${SQL_TYPES[f.type]}` : `c${i}`)).join(", ");
  const unnest = schema.map((f, i) => `$${first + i}::${passedAsText(f) ? "text" : SQL_TYPES[f.type]}[]`).join(", ");
  const aliases = schema.map((_, i) => `c${i}`).join(", ");
  const [result] = await tx.query<{ requests: number; rows: number }>(
    `WITH new_requests AS (
       INSERT INTO performance_metrics (subscription_guid, scoring_id, ts, deployment_id, response_time, records)
       SELECT $1, s, t, d, r, n FROM unnest($2::text[], $3::timestamptz[], $4::text[], $5::double precision[], $6::integer[]) AS u(s, t, d, r, n)
       ON CONFLICT (subscription_guid, scoring_id) DO NOTHING RETURNING scoring_id),
     new_rows AS (
       INSERT INTO ${quoteName(table)} (${names})
       SELECT ${select} FROM unnest(${unnest}, $${first + schema.length}::integer[]) AS t(${aliases}, request)
       WHERE request IN (SELECT i FROM unnest($2::text[]) WITH ORDINALITY AS p(s, i) WHERE s IN (SELECT scoring_id FROM new_requests))
       ON CONFLICT (scoring_id) DO NOTHING RETURNING 1)
     SELECT (SELECT count(*) FROM new_requests)::int AS requests, (SELECT count(*) FROM new_rows)::int AS rows`,
    [subscriptionGuid, ...buffer.performance, ...buffer.columns, buffer.requestOfRow],
  );
  return { requests: result?.requests ?? 0, rows: result?.rows ?? 0 };
}
