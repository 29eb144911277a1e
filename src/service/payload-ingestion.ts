/**
 * Storing payload batches, with group commit. A batch given as an array of at most GROUP_RECORDS records joins a
 * group: batches that arrive while earlier groups are being written wait, and are then written together in one
 * transaction (one COPY per subscription, one commit). Many small concurrent requests, a server's loggers, then cost
 * about what a few large ones do, and the first batch of a quiet moment waits for nothing. Each batch stays its own
 * unit: one that is refused (a bad record, logging off) is refused alone and the others of its group land; a fault of
 * the database fails the whole group, and no batch of it is acknowledged. A larger batch, or a stream, is written in
 * a transaction of its own, chunk by chunk.
 */
import { StateError, ValidationError } from "../errors";
import type { Queryable, Store } from "../store/store";
import { ChunkBuffer, copyNew, insertNewRequests } from "./payload-chunks";
import { BatchRejected, writeScoringPayloads, type CollectedRows } from "./payload-writer";
import type { ScoringPayloadOutcome, ScoringPayloadRecord } from "./resources";
import type { SubscriptionRow } from "./subscription-rows";

/** Batches of at most this many records are written in groups. */
export const GROUP_RECORDS = 1000;
/** A group takes waiting batches until it holds this many records. */
const GROUP_LIMIT = 5000;
/** Groups written at once: one is checked in this process while the database works on another. */
const GROUPS_AT_ONCE = 2;

interface Waiting {
  records: readonly ScoringPayloadRecord[];
  resolve(outcome: ScoringPayloadOutcome): void;
  reject(error: unknown): void;
}

/** A batch of a group that passed its checks: its outcome so far, and its rows per subscription. */
interface Accepted {
  waiting: Waiting;
  outcome: ScoringPayloadOutcome;
  rows: Map<string, CollectedRows>;
}

export class PayloadIngestion {
  private readonly queue: Waiting[] = [];
  private writing = 0;

  constructor(private readonly openStore: () => Promise<Store>) {}

  async store(records: Iterable<ScoringPayloadRecord> | AsyncIterable<ScoringPayloadRecord>): Promise<ScoringPayloadOutcome> {
    if (records === null || typeof records !== "object" || !(Symbol.iterator in records || Symbol.asyncIterator in records)) {
      throw new ValidationError("payload records", [{ path: "records", message: "expected a list (or iterable) of payload records" }]);
    }
    if (Array.isArray(records) && records.length <= GROUP_RECORDS) {
      return new Promise((resolve, reject) => {
        this.queue.push({ records, resolve, reject });
        this.startGroups();
      });
    }
    return this.alone(records);
  }

  private async alone(records: Iterable<ScoringPayloadRecord> | AsyncIterable<ScoringPayloadRecord>): Promise<ScoringPayloadOutcome> {
    const store = await this.openStore();
    try {
      // Every statement goes through the transaction: PGlite has one connection, and a query beside it would wait forever.
      return await store.transaction((tx) => writeScoringPayloads(tx, requireLogging(records, tx)));
    } catch (error) {
      throw refusal(error);
    }
  }

  private startGroups(): void {
    while (this.writing < GROUPS_AT_ONCE && this.queue.length > 0) {
      const group: Waiting[] = [];
      let records = 0;
      while (this.queue.length > 0 && records < GROUP_LIMIT) {
        const next = this.queue.shift()!;
        group.push(next);
        records += next.records.length;
      }
      this.writing++;
      void this.writeGroup(group).finally(() => {
        this.writing--;
        this.startGroups();
      });
    }
  }

  private async writeGroup(group: Waiting[]): Promise<void> {
    const refused = new Map<Waiting, unknown>();
    let accepted: Accepted[] = [];
    try {
      const store = await this.openStore();
      await store.transaction(async (tx) => {
        accepted = await checkBatches(tx, group, refused);
        await writeAccepted(tx, accepted);
      });
    } catch (error) {
      for (const waiting of group) waiting.reject(refused.get(waiting) ?? error);
      return;
    }
    // Committed: only now is any batch acknowledged.
    for (const { waiting, outcome } of accepted) waiting.resolve(outcome);
    for (const [waiting, error] of refused) waiting.reject(error);
  }
}

/**
 * Checks each batch of the group and collects its rows (writing nothing but a payload table a first payload defines,
 * inside a savepoint, so a batch refused after making one leaves nothing behind).
 */
async function checkBatches(tx: Queryable, group: Waiting[], refused: Map<Waiting, unknown>): Promise<Accepted[]> {
  const accepted: Accepted[] = [];
  const subscriptions = new Map<string, SubscriptionRow | null>();
  const logging = new Set<string>();
  for (const waiting of group) {
    const rows = new Map<string, CollectedRows>();
    let savepoint = false;
    try {
      const outcome = await writeScoringPayloads(tx, requireLogging(waiting.records, tx, logging), {
        collect: rows,
        subscriptions,
        beforeCreateTable: async () => {
          if (!savepoint) await tx.query("SAVEPOINT payload_batch");
          savepoint = true;
        },
      });
      if (savepoint) await tx.query("RELEASE SAVEPOINT payload_batch");
      accepted.push({ waiting, outcome, rows });
    } catch (error) {
      if (savepoint) {
        await tx.query("ROLLBACK TO SAVEPOINT payload_batch"); // a dead connection throws here, failing the group
        subscriptions.clear(); // the rows read may hold the schema just undone
      } else if (!isRefusal(error)) throw error; // a statement failed outside a savepoint: the transaction is lost
      refused.set(waiting, refusal(error));
    }
  }
  return accepted;
}

/**
 * Writes the accepted batches' rows, one COPY per subscription for the whole group. A request sent twice within the
 * group is kept as first sent; when some scoring_id is stored already, each batch's rows are inserted on their own,
 * so each batch's outcome still counts its own duplicates.
 */
async function writeAccepted(tx: Queryable, accepted: Accepted[]): Promise<void> {
  const subscriptions = new Set(accepted.flatMap((a) => [...a.rows.keys()]));
  for (const guid of subscriptions) {
    const seen = new Set<string>();
    const parts: { outcome: ScoringPayloadOutcome; buffer: ChunkBuffer; row: SubscriptionRow }[] = [];
    for (const { outcome, rows } of accepted) {
      const collected = rows.get(guid);
      if (!collected) continue;
      const buffer = withoutRequests(collected.buffer, seen);
      outcome.duplicate_records += collected.buffer.performance[0]!.length - buffer.performance[0]!.length;
      outcome.duplicate_rows += collected.buffer.rows - buffer.rows;
      if (buffer.rows > 0) parts.push({ outcome, buffer, row: collected.row });
    }
    if (parts.length === 0) continue;
    const table = parts[0]!.row.payload_table;
    const merged = sameColumns(parts.map((p) => p.buffer)) ? concatenate(parts.map((p) => p.buffer)) : undefined;
    if (merged && (await copyNew(tx, table, guid, merged)) !== undefined) {
      for (const part of parts) part.outcome.stored_rows += part.buffer.rows;
      continue;
    }
    for (const part of parts) {
      const stored = await insertNewRequests(tx, table, guid, part.buffer);
      part.outcome.stored_rows += stored.rows;
      part.outcome.duplicate_rows += part.buffer.rows - stored.rows;
      part.outcome.duplicate_records += part.buffer.performance[0]!.length - stored.requests;
    }
  }
}

function sameColumns(buffers: ChunkBuffer[]): boolean {
  const names = (b: ChunkBuffer) => b.schema.map((f) => `${f.name}:${f.type}`).join(",");
  return buffers.every((b) => names(b) === names(buffers[0]!));
}

/** The buffer without the requests whose scoring_id is in `seen`; the ones kept are added to it. */
function withoutRequests(buffer: ChunkBuffer, seen: Set<string>): ChunkBuffer {
  const ids = buffer.performance[0] as string[];
  const keep = ids.map((id) => !seen.has(id));
  for (const id of ids) seen.add(id);
  if (keep.every(Boolean)) return buffer;
  const kept = new ChunkBuffer(buffer.schema);
  const renumbered = new Map<number, number>();
  for (let q = 0; q < ids.length; q++) {
    if (!keep[q]) continue;
    renumbered.set(q + 1, kept.performance[0]!.length + 1);
    for (let k = 0; k < kept.performance.length; k++) kept.performance[k]!.push(buffer.performance[k]![q]);
  }
  for (let r = 0; r < buffer.rows; r++) {
    const request = renumbered.get(buffer.requestOfRow[r]!);
    if (request === undefined) continue;
    for (let c = 0; c < buffer.columns.length; c++) kept.columns[c]!.push(buffer.columns[c]![r]);
    kept.requestOfRow.push(request);
    kept.rows++;
  }
  return kept;
}

function concatenate(buffers: ChunkBuffer[]): ChunkBuffer {
  if (buffers.length === 1) return buffers[0]!;
  const all = new ChunkBuffer(buffers[0]!.schema);
  for (const buffer of buffers) {
    const offset = all.performance[0]!.length;
    for (let c = 0; c < all.columns.length; c++) for (const v of buffer.columns[c]!) all.columns[c]!.push(v);
    for (let k = 0; k < all.performance.length; k++) for (const v of buffer.performance[k]!) all.performance[k]!.push(v);
    for (const request of buffer.requestOfRow) all.requestOfRow.push(request + offset);
    all.rows += buffer.rows;
  }
  return all;
}

function isRefusal(error: unknown): boolean {
  return error instanceof BatchRejected || error instanceof ValidationError || error instanceof StateError;
}

/** A refused batch's error for its caller: every problem found, named by record and field. */
function refusal(error: unknown): unknown {
  if (!(error instanceof BatchRejected)) return error;
  const more = error.total - error.issues.length;
  return new ValidationError(`payload records: nothing was stored (${error.total} problem${error.total === 1 ? "" : "s"})`, [
    ...error.issues,
    ...(more > 0 ? [{ path: "records", message: `… and ${more} more problem(s) like these` }] : []),
  ]);
}

/** The records, checked on the way that payload logging is on for their subscriptions (`enabled`: those known to be). */
async function* requireLogging(
  records: Iterable<ScoringPayloadRecord> | AsyncIterable<ScoringPayloadRecord>,
  db: Queryable,
  enabled = new Set<string>(),
): AsyncGenerator<ScoringPayloadRecord> {
  for await (const record of records) {
    const guid = (record as ScoringPayloadRecord | null)?.subscription_id;
    if (typeof guid === "string" && !enabled.has(guid)) {
      const [config] = await db.query<{ enabled: boolean }>("SELECT enabled FROM monitor_configurations WHERE subscription_guid = $1 AND monitor = 'payload_logging'", [guid]);
      if (config && !config.enabled) {
        throw new StateError(`Payload logging is disabled for subscription '${guid}': enable it with \`await subscription.payload_logging.enable()\`. Nothing was stored.`);
      }
      enabled.add(guid);
    }
    yield record;
  }
}
