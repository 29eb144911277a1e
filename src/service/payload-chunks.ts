/**
 * A chunk of payload rows as column arrays, and the two ways it is written: binary COPY where the store takes it
 * (PostgreSQL, PGlite: the fast path, in a savepoint), or one INSERT … SELECT FROM unnest that keeps each request whole
 * and skips stored scoring_ids.
 */
import { encodeBinaryCopy, type CopyType } from "../store/binary-copy";
import { quoteName, type Queryable } from "../store/store";
import { SQL_TYPES, type PayloadColumnType, type PayloadField } from "./payload-schema";

/**
 * Column arrays of the rows waiting to be inserted into one payload table, and of their performance samples. Values
 * are checked and in their column's form (toColumnValue's), but for double precision[] columns, which hold the
 * numbers themselves: binary COPY sends them as such, and the INSERT path writes them as array text.
 */
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

/** How each payload column type travels in binary COPY. */
const COPY_TYPES: Record<PayloadColumnType, CopyType> = {
  string: "text",
  double: "float8",
  integer: "int8",
  boolean: "bool",
  timestamp: "timestamptz",
  "array<double>": "float8[]",
  json: "jsonb",
};

/** performance_metrics' columns as COPY fills them: the subscription, then the buffer's performance arrays. */
const PERFORMANCE_COLUMNS = ["subscription_guid", "scoring_id", "ts", "deployment_id", "response_time", "records"];
const PERFORMANCE_COPY_TYPES: CopyType[] = ["text", "text", "timestamptz", "text", "float8", "int4"];

/** A chunk as binary COPY data: its payload rows and its performance samples. */
export interface ChunkCopy {
  rows: Buffer;
  performance: Buffer;
}

/** Encodes the chunk for copyNew (done apart, so it can run while the database still works on the chunk before). */
export function encodeChunk(buffer: ChunkBuffer, subscriptionGuid: string): ChunkCopy {
  const requests = buffer.performance[0]!.length;
  return {
    rows: encodeBinaryCopy(buffer.schema.map((f) => COPY_TYPES[f.type]), buffer.columns, buffer.rows),
    performance: encodeBinaryCopy(PERFORMANCE_COPY_TYPES, [new Array<string>(requests).fill(subscriptionGuid), ...buffer.performance], requests),
  };
}

/**
 * The fast path: COPY the chunk's rows and performance samples straight into their tables, inside a
 * savepoint. When some scoring_id is stored already, both COPYs are undone and `undefined` tells the caller to insert
 * with ON CONFLICT instead.
 */
export async function copyNew(tx: Queryable, table: string, subscriptionGuid: string, buffer: ChunkBuffer, copy?: ChunkCopy): Promise<number | undefined> {
  if (!tx.copyBinary) return undefined;
  const { rows, performance } = copy ?? encodeChunk(buffer, subscriptionGuid);
  await tx.query("SAVEPOINT payload_copy");
  let outcome = await tx.copyBinary(table, buffer.schema.map((f) => f.name), rows);
  if (outcome === "ok") outcome = await tx.copyBinary("performance_metrics", PERFORMANCE_COLUMNS, performance);
  await tx.query(outcome === "ok" ? "RELEASE SAVEPOINT payload_copy" : "ROLLBACK TO SAVEPOINT payload_copy");
  return outcome === "ok" ? buffer.rows : undefined;
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
    [subscriptionGuid, ...buffer.performance, ...buffer.columns.map((column, i) => (schema[i]!.type === "array<double>" ? column.map(arrayText) : column)), buffer.requestOfRow],
  );
  return { requests: result?.requests ?? 0, rows: result?.rows ?? 0 };
}

/** A double precision[] value as PostgreSQL array text, `{0.2,0.8}`. */
function arrayText(value: unknown): string | null {
  return value === null || value === undefined ? null : `{${(value as number[]).join(",")}}`;
}
