import { ValidationError, type ValidationIssue } from "../errors";

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

const KEYS = ["request", "response", "scoring_id", "scoring_timestamp", "response_time"];

/** Checks the options by hand: this runs once per logged request, so it stays cheap. */
function check(o: Record<string, unknown>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const body = (v: unknown) => typeof v === "string" || (v !== null && typeof v === "object");
  for (const key of Object.keys(o)) {
    if (!KEYS.includes(key)) issues.push({ path: key, message: `unknown field '${key}': remove it (the fields are ${KEYS.join(", ")})` });
  }
  if (!body(o.request)) issues.push({ path: "request", message: "expected the scoring request: {fields, values} or the engine's own body" });
  if (!body(o.response)) issues.push({ path: "response", message: "expected the engine's answer: {fields, values}, its own body, or its JSON text" });
  if (o.scoring_id !== undefined && (typeof o.scoring_id !== "string" || o.scoring_id === "")) issues.push({ path: "scoring_id", message: "expected a non-empty string (or leave it out for a new uuid)" });
  if (o.scoring_timestamp !== undefined && typeof o.scoring_timestamp !== "string" && !(o.scoring_timestamp instanceof Date)) issues.push({ path: "scoring_timestamp", message: "expected an ISO 8601 time or a Date" });
  if (o.response_time !== undefined && (typeof o.response_time !== "number" || !Number.isFinite(o.response_time) || o.response_time < 0)) issues.push({ path: "response_time", message: "expected milliseconds, 0 or more" });
  return issues;
}

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
    const issues = check(o as unknown as Record<string, unknown>);
    if (issues.length) throw new ValidationError("PayloadRecord options", issues);
    const valid = o;
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
