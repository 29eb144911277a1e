/**
 * Writes scoring payloads: each record's request and answer, normalised to `{fields, values}`, checked against the
 * subscription's typed payload table and written in chunks, one statement per chunk whatever its size: a binary COPY
 * where the store takes it (PostgreSQL, PGlite), else one `INSERT … SELECT FROM unnest(…)`. A scoring_id names one
 * request: the first one stored is kept whole, and a request sent again (in a later batch or the same one) is counted
 * as a duplicate. The caller runs this inside one transaction: a batch lands whole, or not at all.
 */
import { randomUUID } from "node:crypto";
import { normaliseRequest, normaliseResponse } from "../engines/native-payloads";
import type { ValidationIssue } from "../errors";
import { quoteName, type Queryable } from "../store/store";
import { canonicalAnswer } from "./class-answers";
import { completeSchema, fieldNameProblem, SQL_TYPES, textProblem, type PayloadField } from "./payload-schema";
import type { ScoringPayloadOutcome, ScoringPayloadRecord } from "./resources";
import { subscriptionRows, type SubscriptionRow } from "./subscription-rows";
import { ChunkBuffer, copyNew, encodeChunk, insertNewRequests, type ChunkCopy } from "./payload-chunks";
import { appendRows, layoutFor, sameFields, type CheckedRecord, type Layout, type PreparedRecord } from "./payload-rows";

/** Payload rows per chunk (one COPY, or one INSERT). */
export const CHUNK_ROWS = 10_000;
/** Records between two turns of the event loop (each next statement of a chunk's write waits for one). */
const YIELD_EVERY = 5;
/** Issues reported at most per batch (the count of the rest is given). */
const MAX_ISSUES = 20;

interface Target {
  row: SubscriptionRow;
  schema: PayloadField[] | null;
  buffer: ChunkBuffer | null;
  /** Scoring ids met in this batch: a request sent twice is kept as first sent. */
  seen: Set<string>;
  layout?: Layout;
  /** The last request and answer fields found fit for columns (each record's are checked unless the same). */
  fitFields?: { request: readonly string[]; response: readonly string[] };
}


export class BatchRejected extends Error {
  constructor(
    readonly issues: ValidationIssue[],
    readonly total: number,
  ) {
    super(`${total} problem(s) in the payload batch`);
  }
}

/** A batch's checked rows for one subscription, when the caller writes them (with other batches': group commit). */
export interface CollectedRows {
  row: SubscriptionRow;
  buffer: ChunkBuffer;
}

export interface WriteOptions {
  /** Rows per statement. */
  chunkRows?: number;
  /** Check and buffer every row but write none: the rows are put here, per subscription, for the caller to write. */
  collect?: Map<string, CollectedRows>;
  /** Subscriptions read earlier in the same transaction (filled as more are read). */
  subscriptions?: Map<string, SubscriptionRow | null>;
  /** Called before a payload table is created: the only write of a collecting batch, which its caller may undo. */
  beforeCreateTable?: () => Promise<void>;
}

/** Stores every record of `records` (an array, or any iterable or async iterable, read chunk by chunk). */
export async function writeScoringPayloads(
  tx: Queryable,
  records: Iterable<ScoringPayloadRecord> | AsyncIterable<ScoringPayloadRecord>,
  options: WriteOptions = {},
): Promise<ScoringPayloadOutcome> {
  const chunkRows = options.chunkRows ?? CHUNK_ROWS;
  const targets = new Map<string, Target | null>();
  const issues: ValidationIssue[] = [];
  let problems = 0;
  const outcome: ScoringPayloadOutcome = { records: 0, stored_rows: 0, duplicate_rows: 0, duplicate_records: 0 };
  let pending: Promise<void> = Promise.resolve();
  const report = (found: ValidationIssue[]): void => {
    problems += found.length;
    issues.push(...found.slice(0, Math.max(0, MAX_ISSUES - issues.length)));
  };

  try {
    for await (const record of records) {
      const index = outcome.records++;
      const path = `records[${index}]`;
      const checked = checkRecord(record, path);
      if ("issues" in checked) {
        report(checked.issues);
        continue;
      }
      const target = await targetFor(tx, targets, checked.record.subscription_id, options.subscriptions);
      if (!target) {
        report([{ path: `${path}.subscription_id`, message: `no subscription '${checked.record.subscription_id}' exists: see client.data_mart.subscriptions.list()` }]);
        continue;
      }
      const prepared = prepareRecord(target, checked, path);
      if ("issues" in prepared) {
        report(prepared.issues);
        continue;
      }
      if (problems > 0) {
        // Nothing will be written, but the rest is still checked (values too, once the columns are known), so the
        // error lists every bad record.
        if (target.schema) report(appendRows(new ChunkBuffer(target.schema), layoutOf(target, target.schema, prepared), checked, prepared, path));
        continue;
      }
      if (!target.schema) {
        target.schema = completeSchema(target.row.asset_properties, prepared.request, prepared.response);
        await options.beforeCreateTable?.();
        await createPayloadTable(tx, target.row, target.schema);
      }
      target.buffer ??= new ChunkBuffer(target.schema);
      if (target.seen.has(checked.scoring_id)) {
        // A scoring id names one request: the first one sent is kept whole, a repeat in the same batch is a duplicate.
        const rowIssues = appendRows(new ChunkBuffer(target.schema), layoutOf(target, target.schema, prepared), checked, prepared, path);
        if (rowIssues.length) report(rowIssues);
        outcome.duplicate_records++;
        outcome.duplicate_rows += prepared.request.values.length;
        continue;
      }
      const rowIssues = appendRows(target.buffer, layoutOf(target, target.schema, prepared), checked, prepared, path);
      if (rowIssues.length) {
        report(rowIssues);
        continue;
      }
      target.seen.add(checked.scoring_id);
      // Records arrive through promises alone, which never let the event loop reach its I/O phase: step aside every few
      // records, so the chunk being written keeps going to the database while the next one is prepared.
      if (outcome.records % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
      if (target.buffer.rows >= chunkRows && !options.collect) {
        // One chunk is written while the next is prepared: the database works while this process reads records.
        const chunk = takeChunk(tx, target);
        await pending;
        pending = writeChunk(tx, chunk, outcome);
        pending.catch(() => undefined); // awaited below; this only keeps an early failure from being reported as unhandled
      }
    }
  } finally {
    // Whatever ends the loop (the records' source may throw), the chunk being written finishes before the
    // transaction is ended: a connection is never handed back with a statement still running.
    await pending.catch(() => undefined);
  }
  await pending;
  if (problems > 0) throw new BatchRejected(issues, problems);
  if (options.collect) {
    for (const target of targets.values()) if (target?.buffer?.rows) options.collect.set(target.row.guid, { row: target.row, buffer: target.buffer });
    return outcome;
  }
  for (const target of targets.values()) if (target?.buffer?.rows) await writeChunk(tx, takeChunk(tx, target), outcome);
  return outcome;
}


function checkRecord(record: unknown, path: string): CheckedRecord | { issues: ValidationIssue[] } {
  if (record === null || typeof record !== "object" || Array.isArray(record)) {
    return { issues: [{ path, message: "expected a payload record: new PayloadRecord({ request, response })" }] };
  }
  const r = record as ScoringPayloadRecord;
  const issues: ValidationIssue[] = [];
  if (typeof r.subscription_id !== "string" || r.subscription_id === "") issues.push({ path: `${path}.subscription_id`, message: "expected the subscription uid" });
  if (r.request === undefined || r.request === null) issues.push({ path: `${path}.request`, message: "is missing: give the scoring request that was sent" });
  if (r.response === undefined || r.response === null) issues.push({ path: `${path}.response`, message: "is missing: give the engine's answer" });
  if (r.scoring_id !== undefined && (typeof r.scoring_id !== "string" || r.scoring_id.trim() === "")) {
    issues.push({ path: `${path}.scoring_id`, message: "expected a non-empty string (or leave it out for a new uuid)" });
  } else if (r.scoring_id !== undefined) {
    const problem = textProblem(r.scoring_id);
    if (problem) issues.push({ path: `${path}.scoring_id`, message: problem });
  }
  const time = r.scoring_timestamp === undefined ? new Date() : new Date(r.scoring_timestamp);
  if (Number.isNaN(time.getTime())) issues.push({ path: `${path}.scoring_timestamp`, message: `expected an ISO 8601 time such as '2026-11-25T10:00:00Z', got ${JSON.stringify(r.scoring_timestamp)}` });
  // The column is a bigint: a time past its range would fail the whole batch in the database.
  if (r.response_time !== undefined && r.response_time !== null && (typeof r.response_time !== "number" || !(r.response_time >= 0 && r.response_time < 2 ** 63))) {
    issues.push({ path: `${path}.response_time`, message: "expected the milliseconds the engine took, a number from 0 to 2^63" });
  }
  if (issues.length) return { issues };
  return {
    record: r,
    scoring_id: r.scoring_id ?? randomUUID(),
    scoring_timestamp: time.toISOString(),
    response_time: r.response_time === undefined || r.response_time === null ? null : Math.round(r.response_time),
  };
}


function prepareRecord(target: Target, checked: CheckedRecord, path: string): PreparedRecord | { issues: ValidationIssue[] } {
  const { row } = target;
  const { record } = checked;
  const issues: ValidationIssue[] = [];
  if (record.binding_id !== undefined && record.binding_id !== row.binding_guid) {
    issues.push({ path: `${path}.binding_id`, message: `is '${record.binding_id}', but subscription '${row.guid}' belongs to binding '${row.binding_guid}'` });
  }
  const deployments = row.deployments.map((d) => d.deployment_id);
  const deployment_id = record.deployment_id ?? deployments[0] ?? "generic_deployment";
  if (record.deployment_id !== undefined && !deployments.includes(record.deployment_id)) {
    issues.push({ path: `${path}.deployment_id`, message: `'${record.deployment_id}' is not a deployment of this subscription; its deployments: ${deployments.join(", ")}` });
  }
  const request = normaliseRequest(record.request, row.asset_properties.feature_fields);
  if ("error" in request) issues.push({ path: `${path}.request`, message: request.error });
  const response = normaliseResponse(record.response);
  if ("error" in response) issues.push({ path: `${path}.response`, message: response.error });
  const fit = target.fitFields;
  const knownFit = fit !== undefined && "ok" in request && "ok" in response && sameFields(fit.request, request.ok.fields) && sameFields(fit.response, response.ok.fields);
  if ("ok" in request && !knownFit) issues.push(...fieldNameIssues(request.ok.fields, `${path}.request.fields`));
  if ("ok" in response && !knownFit) issues.push(...fieldNameIssues(response.ok.fields, `${path}.response.fields`));
  if ("ok" in request && "ok" in response) {
    if (request.ok.values.length !== response.ok.values.length) {
      issues.push({ path: `${path}.response.values`, message: `has ${response.ok.values.length} rows for ${request.ok.values.length} request rows: one answer row per request row is expected` });
    }
    if (request.ok.values.length === 0) issues.push({ path: `${path}.request.values`, message: "is empty: a payload record holds at least one scored row" });
    const missing = knownFit ? [] : (row.asset_properties.feature_fields ?? []).filter((f) => !request.ok.fields.includes(f));
    if (missing.length) {
      issues.push({ path: `${path}.request.fields`, message: `lacks the feature column(s) ${missing.map((m) => `'${m}'`).join(", ")}: send every column in feature_columns` });
    }
    if (!knownFit && issues.length === 0) target.fitFields = { request: [...request.ok.fields], response: [...response.ok.fields] };
  }
  if (issues.length || !("ok" in request) || !("ok" in response)) return { issues };
  return { request: request.ok, response: canonicalAnswer(response.ok, row.asset_properties), deployment_id };
}

/** Field names that cannot name a column (empty, too long, NUL, lone surrogate) or name two (duplicates). */
function fieldNameIssues(fields: readonly string[], path: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < fields.length; i++) {
    const name = fields[i]!;
    const problem = fieldNameProblem(name);
    if (problem !== undefined) issues.push({ path: `${path}[${i}]`, message: `${quoted(name)} ${problem}` });
    const first = seen.get(name);
    if (first === undefined) seen.set(name, i);
    else issues.push({ path: `${path}[${i}]`, message: `${quoted(name)} is also fields[${first}]: a column has one value per row, so give each field its own name (or leave the repeat out)` });
  }
  return issues;
}

/** A field name for a message: JSON-quoted (so NUL and surrogates show as escapes), cut when long. */
function quoted(name: string): string {
  return JSON.stringify(name.length > 70 ? `${name.slice(0, 70)}…` : name);
}

/** Where each column's value comes from in records with these fields (worked out again only when they change). */
function layoutOf(target: Target, schema: PayloadField[], prepared: PreparedRecord): Layout {
  return layoutFor(target, schema, prepared, target.row.asset_properties.probability_fields?.[0]);
}

async function targetFor(tx: Queryable, targets: Map<string, Target | null>, guid: string, known?: Map<string, SubscriptionRow | null>): Promise<Target | null> {
  if (!targets.has(guid)) {
    let row = known?.get(guid);
    if (row === undefined) {
      row = (await subscriptionRows(tx, { guid }))[0] ?? null;
      known?.set(guid, row);
    }
    targets.set(guid, row ? { row, schema: row.payload_schema, buffer: null, seen: new Set() } : null);
  }
  return targets.get(guid)!;
}

/** Creates the payload table the first payload defines, unless another writer did so first. */
async function createPayloadTable(tx: Queryable, row: SubscriptionRow, schema: PayloadField[]): Promise<void> {
  const [locked] = await tx.query<{ payload_schema: PayloadField[] | null }>("SELECT payload_schema FROM subscriptions WHERE guid = $1 FOR UPDATE", [row.guid]);
  if (locked?.payload_schema) {
    schema.splice(0, schema.length, ...locked.payload_schema);
    return;
  }
  const columns = schema.map((f) => `${quoteName(f.name)} ${SQL_TYPES[f.type]}${f.nullable ? "" : " NOT NULL"}${f.metadata.primary_key ? " PRIMARY KEY" : ""}`);
  await tx.query(`CREATE TABLE ${quoteName(row.payload_table)} (${columns.join(", ")})`);
  await tx.query(`CREATE INDEX ${quoteName(`${row.payload_table}_ts`)} ON ${quoteName(row.payload_table)} (scoring_timestamp)`);
  await tx.query("UPDATE subscriptions SET payload_schema = $2, modified_at = now() WHERE guid = $1", [row.guid, JSON.stringify(schema)]);
  row.payload_schema = schema;
}

/** A full chunk taken from its target, encoded for COPY when the store takes it. */
interface Chunk {
  row: SubscriptionRow;
  buffer: ChunkBuffer;
  copy: ChunkCopy | undefined;
}

/** Takes the target's rows as a chunk (the target starts a new one), encoded now: the database may still be writing the chunk before. */
function takeChunk(tx: Queryable, target: Target): Chunk {
  const buffer = target.buffer!;
  target.buffer = new ChunkBuffer(buffer.schema);
  return { row: target.row, buffer, copy: tx.copyBinary ? encodeChunk(buffer, target.row.guid) : undefined };
}

/** Inserts the chunk's rows with one statement per table; rows whose scoring_id is stored already are kept once. */
async function writeChunk(tx: Queryable, { row, buffer, copy }: Chunk, outcome: ScoringPayloadOutcome): Promise<void> {
  const { payload_table, guid } = row;
  const requests = buffer.performance[0]!.length;
  const copied = await copyNew(tx, payload_table, guid, buffer, copy);
  const stored = copied === undefined ? await insertNewRequests(tx, payload_table, guid, buffer) : { requests, rows: copied };
  outcome.stored_rows += stored.rows;
  outcome.duplicate_rows += buffer.rows - stored.rows;
  outcome.duplicate_records += requests - stored.requests;
}
