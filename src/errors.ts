/**
 * The error classes every layer of openscale-ts throws. Each message says what went wrong and how to fix it;
 * none carries a secret (see `redactText` in ./secrets).
 */

/** Base class of every error thrown by openscale-ts. */
export class OpenScaleError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** One problem found in user input: where it is (`credentials.url`) and what to do about it. */
export interface ValidationIssue {
  path: string;
  message: string;
}

/** Bad input: thrown before anything is written or sent. `issues` lists every offending field. */
export class ValidationError extends OpenScaleError {
  readonly issues: ValidationIssue[];
  constructor(subject: string, issues: ValidationIssue[]) {
    const lines = issues.map((i) => `  ✖ ${i.path ? `${i.path}: ` : ""}${i.message}`);
    super(`Invalid ${subject}:\n${lines.join("\n")}`);
    this.issues = issues;
  }
}

/** A uid that names nothing (never existed, or was deleted). */
export class NotFoundError extends OpenScaleError {
  constructor(
    readonly resource: string,
    readonly uid: string,
    hint?: string,
  ) {
    super(`No ${resource} with uid '${uid}' exists in this data mart.${hint ? ` ${hint}` : ""}`);
  }
}

/** The call does not fit the data mart's state (for example: the data mart is not set up yet). */
export class StateError extends OpenScaleError {}

/**
 * The data mart's secret key is malformed, missing or not the one its stored credentials were sealed with, or a
 * sealed value failed its integrity check. The message says which and what to do; it never holds a key.
 */
export class SecretKeyError extends OpenScaleError {}

/** The data mart's database could not be reached or refused a statement. The message names host and database, never the password. */
export class DatabaseError extends OpenScaleError {}

/** The embedded data mart's folder is open in another process: one holder at a time, or its rows would be lost. */
export class DataMartInUseError extends DatabaseError {
  constructor(
    readonly folder: string,
    readonly holder_pid: number | undefined,
  ) {
    super(
      `The embedded data mart in ${folder} is open in another process` +
        `${holder_pid !== undefined ? ` (pid ${holder_pid})` : ""}, and one process at a time may open it. ` +
        "Close the client there (`await client.close()`, or stop that notebook's kernel), or: " +
        "open another folder with `new APIClient({ data_dir: \"./another-folder\" })`; " +
        "or keep the data mart on a server that several processes can share " +
        "(`client.data_mart.setup({ db_credentials, schema })` on PostgreSQL, or a data mart server once it exists).",
    );
  }
}
