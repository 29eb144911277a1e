import { z } from "zod";
import { ValidationError } from "../errors";
import { parseOrThrow } from "../validation";

/** The v1 `PayloadRecord` parameters, as one options object. */
export interface PayloadRecordOptions {
  /** The scoring request as sent: `{fields, values}`, or the engine's own body (Azure `Inputs`, SageMaker CSV text, …). */
  request: unknown;
  /** The engine's answer: `{fields, values}`, or its own body (Azure `Results`, SageMaker `predictions`, …), object or JSON text. */
  response: unknown;
  /** Id of the scoring request; stored rows get `<scoring_id>-<row number>`. A new uuid when left out. */
  scoring_id?: string;
  /** When the request was scored (ISO 8601 or a Date). @default now */
  scoring_timestamp?: string | Date;
  /** Milliseconds the engine took. */
  response_time?: number;
}

const options = z.strictObject({
  request: z.union([z.record(z.string(), z.unknown()), z.array(z.unknown()), z.string()], { error: "expected the scoring request: {fields, values} or the engine's own body" }),
  response: z.union([z.record(z.string(), z.unknown()), z.array(z.unknown()), z.string()], { error: "expected the engine's answer: {fields, values}, its own body, or its JSON text" }),
  scoring_id: z.string({ error: "expected a string id" }).min(1, "must not be empty: leave it out for a new uuid").optional(),
  scoring_timestamp: z.union([z.string(), z.date()], { error: "expected an ISO 8601 time or a Date" }).optional(),
  response_time: z.number({ error: "expected milliseconds as a number" }).nonnegative("expected milliseconds, 0 or more").optional(),
});

/** One scoring request and its answer, to log with `subscription.payload_logging.store([...])`. */
export class PayloadRecord {
  readonly request: unknown;
  readonly response: unknown;
  readonly scoring_id?: string;
  readonly scoring_timestamp?: string;
  readonly response_time?: number;

  constructor(o: PayloadRecordOptions) {
    if (o === null || typeof o !== "object") {
      throw new ValidationError("PayloadRecord options", [{ path: "options", message: "expected { request, response, scoring_id?, scoring_timestamp?, response_time? }" }]);
    }
    const valid = parseOrThrow(options, o, "PayloadRecord options");
    let response = valid.response;
    if (typeof response === "string") {
      try {
        response = JSON.parse(response);
      } catch {
        throw new ValidationError("PayloadRecord options", [{ path: "response", message: "is text that is not JSON: pass the answer as an object or its JSON text" }]);
      }
    }
    this.request = valid.request;
    this.response = response;
    if (valid.scoring_id !== undefined) this.scoring_id = valid.scoring_id;
    if (valid.scoring_timestamp !== undefined) {
      const time = new Date(valid.scoring_timestamp);
      if (Number.isNaN(time.getTime())) throw new ValidationError("PayloadRecord options", [{ path: "scoring_timestamp", message: `expected an ISO 8601 time, got ${JSON.stringify(valid.scoring_timestamp)}` }]);
      this.scoring_timestamp = time.toISOString();
    }
    if (valid.response_time !== undefined) this.response_time = valid.response_time;
  }
}
