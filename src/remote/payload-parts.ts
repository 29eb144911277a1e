/**
 * Payload batches through a data mart server, in parts. A server takes a request body of at most 32 MiB, and a
 * notebook may log far more in one `payload_logging.store()` (any iterable, read lazily), so records go in parts of
 * at most PART_RECORDS records or PART_BYTES of JSON, one request each, each committed whole by the server. Every
 * record is given its scoring_id here when it has none, so that a part sent again after a lost answer is stored once
 * (the server keeps a scoring_id once): that is what makes the parts safe to retry.
 */
import { randomUUID } from "node:crypto";
import { ValidationError } from "../errors";
import type { ScoringPayloadOutcome, ScoringPayloadRecord } from "../service/resources";

export const PART_RECORDS = 1000;
export const PART_BYTES = 8 * 1024 * 1024;

/** Sends one part (a JSON array, already serialised); resolves with the server's outcome or rejects with its error. */
export type SendPart = (body: string) => Promise<ScoringPayloadOutcome>;

export async function storeInParts(records: Iterable<ScoringPayloadRecord> | AsyncIterable<ScoringPayloadRecord>, send: SendPart): Promise<ScoringPayloadOutcome> {
  const total: ScoringPayloadOutcome = { records: 0, stored_rows: 0, duplicate_rows: 0, duplicate_records: 0 };
  let part: string[] = [];
  let bytes = 0;
  let first = 0; // index of the part's first record in the whole batch
  const flush = async () => {
    const outcome = await send(`[${part.join(",")}]`).catch((error: unknown) => {
      throw first === 0 ? error : renumbered(error, first);
    });
    total.records += outcome.records;
    total.stored_rows += outcome.stored_rows;
    total.duplicate_rows += outcome.duplicate_rows;
    total.duplicate_records += outcome.duplicate_records;
    first += part.length;
    part = [];
    bytes = 0;
  };
  for await (const record of records) {
    const json = JSON.stringify(withScoringId(record)) ?? "null";
    if (part.length > 0 && (part.length >= PART_RECORDS || bytes + json.length > PART_BYTES)) await flush();
    part.push(json);
    bytes += json.length + 1;
  }
  if (part.length > 0 || first === 0) await flush(); // an empty batch is still sent: the server checks the call
  return total;
}

function withScoringId(record: ScoringPayloadRecord): unknown {
  if (record === null || typeof record !== "object" || Array.isArray(record) || record.scoring_id !== undefined) return record; // the server refuses what is wrong
  return { ...record, scoring_id: randomUUID() };
}

/** A refusal of a later part, its records numbered in the whole batch, saying that the earlier parts are stored. */
function renumbered(error: unknown, first: number): unknown {
  if (!(error instanceof ValidationError)) return error;
  const issues = error.issues.map((i) => ({ ...i, path: i.path.replace(/^records\[(\d+)\]/, (_, n: string) => `records[${first + Number(n)}]`) }));
  const subject = `payload records: records 0 to ${first - 1} were stored by earlier requests to the server (sending them again stores each once); from record ${first} on`;
  return new ValidationError(`${subject}, ${error.message.split("\n")[0]!.replace(/^Invalid payload records: /, "").replace(/:$/, "")}`, issues);
}
