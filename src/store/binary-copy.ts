/**
 * PostgreSQL's binary COPY format (`COPY … FROM STDIN WITH (FORMAT binary)`), written from column arrays. The server
 * reads each value as it is sent, with no text to parse: a double is its 8 bytes rather than digits the client prints
 * and the server reads back, text is its UTF-8 bytes with nothing to quote or escape. (pg-copy-streams-binary
 * allocates a buffer and an object per value, which costs more than the CSV it would replace.)
 *
 * Values must already be checked for their columns (src/service/payload-schema.ts): finite numbers, text without NUL,
 * timestamps as ISO 8601 text, jsonb as JSON text.
 */

/** The column types the encoder writes, named as PostgreSQL names them. */
export type CopyType = "text" | "float8" | "int8" | "int4" | "bool" | "timestamptz" | "float8[]" | "jsonb";

const enum Code {
  Text,
  Float8,
  Int8,
  Int4,
  Bool,
  Timestamptz,
  Float8Array,
  Jsonb,
}

const CODES: Record<CopyType, Code> = {
  text: Code.Text,
  float8: Code.Float8,
  int8: Code.Int8,
  int4: Code.Int4,
  bool: Code.Bool,
  timestamptz: Code.Timestamptz,
  "float8[]": Code.Float8Array,
  jsonb: Code.Jsonb,
};

const SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");
const HEADER_BYTES = SIGNATURE.length + 8;
const FLOAT8_OID = 701;
/** 2000-01-01T00:00:00Z, PostgreSQL's epoch for timestamps, in Unix milliseconds. */
const POSTGRES_EPOCH_MS = 946_684_800_000;
const INT8_LIMIT = 2 ** 63;
const TWO_32 = 2 ** 32;
/** Text up to this length is copied byte by byte when it is ASCII: a native call per value costs more. */
const SHORT_TEXT = 64;

/** A growing buffer of one COPY's data: the header, the tuples appended, and the trailer `finish` adds. */
class BinaryCopyWriter {
  private buffer: Buffer;
  private view: DataView;
  private at: number;
  private readonly codes: Code[];
  /** The last timestamp read, and its milliseconds: a record's rows share theirs. */
  private lastIso = "";
  private lastMs = 0;

  constructor(types: readonly CopyType[], initialBytes = 1 << 16) {
    this.codes = types.map((t) => CODES[t]);
    this.buffer = Buffer.allocUnsafeSlow(Math.max(initialBytes, 64));
    this.view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
    this.buffer.set(SIGNATURE, 0);
    this.view.setInt32(SIGNATURE.length, 0); // flags: no OIDs
    this.view.setInt32(SIGNATURE.length + 4, 0); // no header extension
    this.at = HEADER_BYTES;
  }

  /** Appends rows [from, to) of the column arrays (one array per type given to the constructor). */
  appendRows(columns: readonly (readonly unknown[])[], from: number, to: number): void {
    const codes = this.codes;
    const width = codes.length;
    for (let r = from; r < to; r++) {
      this.room(2 + width * 12);
      let view = this.view;
      let at = this.at;
      view.setInt16(at, width);
      at += 2;
      for (let c = 0; c < width; c++) {
        const value = columns[c]![r];
        if (value === null || value === undefined) {
          view.setInt32(at, -1);
          at += 4;
          continue;
        }
        switch (codes[c]) {
          case Code.Float8:
            view.setInt32(at, 8);
            // -0 is stored as 0, as the text forms (CSV, query parameters) always stored it.
            view.setFloat64(at + 4, (value as number) + 0);
            at += 12;
            break;
          case Code.Text:
          case Code.Jsonb:
            this.at = at;
            this.text(value as string, codes[c] === Code.Jsonb);
            view = this.view;
            at = this.at;
            this.room(width * 12); // the rest of the row's fixed-size values
            view = this.view;
            break;
          case Code.Int8:
            view.setInt32(at, 8);
            int64(view, at + 4, value as number);
            at += 12;
            break;
          case Code.Int4:
            view.setInt32(at, 4);
            view.setInt32(at + 4, value as number);
            at += 8;
            break;
          case Code.Bool:
            view.setInt32(at, 1);
            view.setUint8(at + 4, value ? 1 : 0);
            at += 5;
            break;
          case Code.Timestamptz: {
            const iso = value as string;
            if (iso !== this.lastIso) {
              this.lastIso = iso;
              this.lastMs = Date.parse(iso);
            }
            view.setInt32(at, 8);
            int64(view, at + 4, (this.lastMs - POSTGRES_EPOCH_MS) * 1000);
            at += 12;
            break;
          }
          case Code.Float8Array:
            this.at = at;
            this.doubles(value as readonly number[]);
            view = this.view;
            at = this.at;
            this.room(width * 12);
            view = this.view;
            break;
        }
      }
      this.at = at;
    }
  }

  /** The data with its trailer; the writer is not used after this. */
  finish(): Buffer {
    this.room(2);
    this.view.setInt16(this.at, -1);
    this.at += 2;
    return this.buffer.subarray(0, this.at);
  }

  /** Text as its length and UTF-8 bytes; jsonb text after its format version (1). */
  private text(value: string, jsonb: boolean): void {
    const header = jsonb ? 5 : 4;
    const n = value.length;
    this.room(header + n * 3);
    const buffer = this.buffer;
    const start = this.at + header;
    let end = start;
    if (n <= SHORT_TEXT) {
      for (let i = 0; i < n; i++) {
        const code = value.charCodeAt(i);
        if (code >= 0x80) {
          end = -1;
          break;
        }
        buffer[end++] = code;
      }
    }
    if (n > SHORT_TEXT || end < 0) end = start + buffer.write(value, start, "utf8");
    this.view.setInt32(this.at, end - this.at - 4);
    if (jsonb) buffer[this.at + 4] = 1;
    this.at = end;
  }

  /** A one-dimensional double precision[] without NULLs (the empty array has no dimensions, as '{}' has none). */
  private doubles(values: readonly number[]): void {
    const n = values.length;
    const body = n === 0 ? 12 : 20 + n * 12;
    this.room(4 + body);
    const view = this.view;
    let at = this.at;
    view.setInt32(at, body);
    view.setInt32(at + 4, n === 0 ? 0 : 1); // dimensions
    view.setInt32(at + 8, 0); // no NULLs
    view.setInt32(at + 12, FLOAT8_OID);
    at += 16;
    if (n > 0) {
      view.setInt32(at, n);
      view.setInt32(at + 4, 1); // lower bound
      at += 8;
      for (let i = 0; i < n; i++) {
        view.setInt32(at, 8);
        view.setFloat64(at + 4, values[i]! + 0);
        at += 12;
      }
    }
    this.at = at;
  }

  private room(bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.buffer.length * 2, this.at + bytes));
    this.buffer.copy(grown, 0, 0, this.at);
    this.buffer = grown;
    this.view = new DataView(grown.buffer, grown.byteOffset, grown.byteLength);
  }
}

/** A whole number as a signed 64-bit integer: two 32-bit halves while exact in a double, else through BigInt. */
function int64(view: DataView, at: number, value: number): void {
  if (Number.isSafeInteger(value)) {
    const high = Math.floor(value / TWO_32);
    view.setInt32(at, high);
    view.setUint32(at + 4, value - high * TWO_32);
  } else {
    if (!(value >= -INT8_LIMIT && value < INT8_LIMIT)) throw new RangeError(`${value} is out of range for a 64-bit integer column`);
    view.setBigInt64(at, BigInt(value));
  }
}

/** Bytes a value of each type usually takes, length word included: a first guess of the buffer's size. */
const TYPICAL_BYTES: Record<CopyType, number> = { text: 24, float8: 12, int8: 12, int4: 8, bool: 5, timestamptz: 12, "float8[]": 48, jsonb: 64 };

/** The column arrays as one binary COPY's data. */
export function encodeBinaryCopy(types: readonly CopyType[], columns: readonly (readonly unknown[])[], rows: number): Buffer {
  const rowBytes = types.reduce((sum, t) => sum + TYPICAL_BYTES[t], 2);
  const writer = new BinaryCopyWriter(types, HEADER_BYTES + 2 + rows * rowBytes);
  writer.appendRows(columns, 0, rows);
  return writer.finish();
}
