/**
 * The typed payload table of a subscription: its columns (v1 `output_data_schema` fields with modeling roles),
 * their SQL types, and how a logged value is checked against a column.
 */

export type PayloadColumnType = "string" | "double" | "integer" | "boolean" | "timestamp" | "array<double>" | "json";

export interface PayloadField {
  name: string;
  type: PayloadColumnType;
  nullable: boolean;
  metadata: { modeling_role: string; primary_key?: true };
}

export const SQL_TYPES: Record<PayloadColumnType, string> = {
  string: "text",
  double: "double precision",
  integer: "bigint",
  boolean: "boolean",
  timestamp: "timestamptz",
  "array<double>": "double precision[]",
  json: "jsonb",
};

/** Columns every payload table starts with. */
export const RECORD_FIELDS: readonly PayloadField[] = [
  { name: "scoring_id", type: "string", nullable: false, metadata: { modeling_role: "record-id", primary_key: true } },
  { name: "scoring_timestamp", type: "timestamp", nullable: false, metadata: { modeling_role: "record-timestamp" } },
  { name: "deployment_id", type: "string", nullable: true, metadata: { modeling_role: "deployment-id" } },
  { name: "asset_revision", type: "string", nullable: true, metadata: { modeling_role: "asset-revision" } },
];

/** Columns every payload table ends with. */
export const TRAILING_FIELDS: readonly PayloadField[] = [
  { name: "prediction_probability", type: "double", nullable: true, metadata: { modeling_role: "prediction-probability" } },
  { name: "response_time", type: "integer", nullable: true, metadata: { modeling_role: "response-time" } },
];

export const RESERVED_NAMES: ReadonlySet<string> = new Set([...RECORD_FIELDS, ...TRAILING_FIELDS].map((f) => f.name));

/** What the subscription says about its columns. */
export interface ColumnRoles {
  feature_fields?: string[];
  categorical_fields?: string[];
  prediction_field?: string;
  probability_fields?: string[];
}

/** Feature columns as the subscription declares them: categorical ones hold text, the others numbers. */
export function declaredFeatureFields(roles: ColumnRoles): PayloadField[] {
  const categorical = new Set(roles.categorical_fields ?? []);
  return (roles.feature_fields ?? []).map((name) => ({
    name,
    type: categorical.has(name) ? "string" : "double",
    nullable: true,
    metadata: { modeling_role: "feature" },
  }));
}

/**
 * The full schema, fixed by the first payload: declared features (or, when none were declared, the request's
 * columns with the types their values show), then every answer column that is not a feature, typed from its values.
 */
export function completeSchema(roles: ColumnRoles, request: { fields: string[]; values: unknown[][] }, response: { fields: string[]; values: unknown[][] }): PayloadField[] {
  let features = declaredFeatureFields(roles);
  if (features.length === 0) {
    features = request.fields.flatMap((name, i) =>
      RESERVED_NAMES.has(name) ? [] : [{ name, type: inferType(request.values.map((r) => r[i])), nullable: true, metadata: { modeling_role: "feature" } }],
    );
  }
  const taken = new Set([...features.map((f) => f.name), ...RESERVED_NAMES]);
  const outputs: PayloadField[] = [];
  response.fields.forEach((name, i) => {
    if (taken.has(name)) return;
    taken.add(name);
    outputs.push({ name, type: inferType(response.values.map((r) => r[i])), nullable: true, metadata: { modeling_role: outputRole(name, roles) } });
  });
  return [...RECORD_FIELDS, ...features, ...outputs, ...TRAILING_FIELDS];
}

function outputRole(name: string, roles: ColumnRoles): string {
  if (name === roles.prediction_field) return "prediction";
  if (roles.probability_fields?.includes(name)) return "probability";
  if (name === "debiased_prediction") return "debiased-prediction";
  if (name === "debiased_probability") return "debiased-probability";
  return "meta-field";
}

/** The column type the non-null values of a column show. */
export function inferType(values: unknown[]): PayloadColumnType {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (present.length === 0) return "string";
  if (present.every((v) => typeof v === "number")) return "double";
  if (present.every((v) => typeof v === "boolean")) return "boolean";
  if (present.every((v) => typeof v === "string")) return "string";
  if (present.every((v) => Array.isArray(v) && v.every((x) => typeof x === "number"))) return "array<double>";
  return "json";
}

/** Why a value does not fit its column (a class, so the common case allocates nothing). */
export class ColumnMismatch {
  constructor(readonly message: string) {}
}

/** A value ready to bind for a column, or a ColumnMismatch saying why it does not fit. Numbers sent as text (Azure's classic tables) are read as numbers. */
export function toColumnValue(field: PayloadField, value: unknown): unknown {
  if (value === null || value === undefined) {
    return field.nullable ? null : new ColumnMismatch("is missing: a value is required");
  }
  switch (field.type) {
    case "string":
      if (typeof value === "string") {
        const problem = textProblem(value);
        return problem === undefined ? value : new ColumnMismatch(problem);
      }
      if (typeof value === "number" || typeof value === "boolean") return String(value);
      return new ColumnMismatch(`expected text, got ${describeValue(value)}`);
    case "double":
    case "integer": {
      const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
      if (!Number.isFinite(n)) return new ColumnMismatch(`expected a number, got ${describeValue(value)}${field.metadata.modeling_role === "feature" ? " (if this feature holds categories, list it in categorical_columns)" : ""}`);
      if (field.type === "integer" && !Number.isInteger(n)) return new ColumnMismatch(`expected a whole number, got ${n}`);
      return n;
    }
    case "boolean":
      if (typeof value === "boolean") return value;
      if (value === "true" || value === "false") return value === "true";
      return new ColumnMismatch(`expected true or false, got ${describeValue(value)}`);
    case "timestamp": {
      const time = value instanceof Date ? value : typeof value === "string" || typeof value === "number" ? new Date(value) : undefined;
      if (!time || Number.isNaN(time.getTime())) return new ColumnMismatch(`expected an ISO 8601 time, got ${describeValue(value)}`);
      return time.toISOString();
    }
    case "array<double>":
      if (Array.isArray(value) && value.every((x) => typeof x === "number" && Number.isFinite(x))) return `{${value.join(",")}}`;
      return new ColumnMismatch(`expected a list of numbers, got ${describeValue(value)}`);
    case "json": {
      const text = JSON.stringify(value);
      // JSON.stringify writes NUL and lone surrogates as \u escapes (a valid pair stays as is); jsonb refuses both.
      const escape = UNSTORABLE_JSON_ESCAPE.exec(text);
      if (escape) return new ColumnMismatch(escape[1] === "0000" ? `holds text with a NUL character (\\u0000), which the database cannot store: remove it` : `holds text with a lone UTF-16 surrogate (\\u${escape[1]!.toUpperCase()}), which is not valid Unicode: fix the text's encoding`);
      return text;
    }
  }
}

/** Code units that may make text unstorable: NUL (PostgreSQL text cannot hold it) and surrogates (valid only in pairs). */
export const SUSPECT_TEXT = /[\u0000\uD800-\uDFFF]/;
/** A `\u0000` or surrogate escape in JSON.stringify output, not itself escaped (`\\u0000` is a backslash and "u0000"). */
const UNSTORABLE_JSON_ESCAPE = /(?<!\\)(?:\\\\)*\\u(0000|d[89a-f][0-9a-f]{2})/i;

/**
 * Why text cannot be stored as it is, or undefined when it can: a NUL character (PostgreSQL text cannot hold it) or a
 * lone UTF-16 surrogate (not valid Unicode: the database would silently store U+FFFD in its place).
 */
export function textProblem(text: string): string | undefined {
  if (!SUSPECT_TEXT.test(text)) return undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return `contains a NUL character (\\u0000) at position ${i}, which the database cannot store in text: remove it`;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const unit = c.toString(16).toUpperCase();
      return `contains a lone UTF-16 surrogate (\\u${unit}) at position ${i}, which is not valid Unicode (it would be stored as U+FFFD): fix the text's encoding (text.toWellFormed() replaces lone surrogates with U+FFFD, if that loss is acceptable)`;
    }
  }
  return undefined;
}

/** The longest column name PostgreSQL keeps (NAMEDATALEN - 1 bytes of UTF-8). */
export const MAX_COLUMN_NAME_BYTES = 63;

/** Why a field name cannot name a payload column, or undefined when it can. */
export function fieldNameProblem(name: string): string | undefined {
  if (name === "") return "is an empty column name: give every field a name";
  const text = textProblem(name);
  if (text !== undefined) return text;
  // A UTF-16 code unit takes at most 3 bytes of UTF-8: short names need no counting.
  if (name.length > MAX_COLUMN_NAME_BYTES / 3 && Buffer.byteLength(name) > MAX_COLUMN_NAME_BYTES) {
    return `is ${Buffer.byteLength(name)} bytes long (UTF-8): a column name holds at most ${MAX_COLUMN_NAME_BYTES}; shorten the field's name`;
  }
  return undefined;
}

/** The prediction's probability: the scalar probability, or the largest class probability. */
export function predictionProbability(probability: unknown): number | null {
  if (typeof probability === "number" && Number.isFinite(probability)) return probability;
  if (typeof probability === "string" && probability.trim() !== "" && Number.isFinite(Number(probability))) return Number(probability);
  if (Array.isArray(probability) && probability.length > 0 && probability.every((p) => typeof p === "number")) return Math.max(...(probability as number[]));
  return null;
}

function describeValue(value: unknown): string {
  if (typeof value === "string") return `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}' (text)`;
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  return `${String(value)} (${typeof value})`;
}
