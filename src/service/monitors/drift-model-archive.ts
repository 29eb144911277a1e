/**
 * The drift model as a file: v1 let a user upload a drift model trained elsewhere (`model_path`, a `.tar.gz`). Ours
 * is a gzip'd POSIX ustar archive holding `drift_model.json`, checked in full when read, so a missing, truncated or
 * foreign file fails with what is wrong and nothing is stored.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import { z } from "zod";
import { ValidationError } from "../../errors";
import { DRIFT_MODEL_VERSION, type DriftModel } from "../../metrics/drift-model";

export const DRIFT_MODEL_FILE = "drift_model.json";
const BLOCK = 512;
const SUBJECT = "drift model archive";

const finite = z.number().refine(Number.isFinite, "expected a finite number");
const modelSchema = z.strictObject({
  version: z.literal(DRIFT_MODEL_VERSION, { error: `expected version ${DRIFT_MODEL_VERSION} (made by this data mart)` }),
  intercept: finite,
  inputs: z.array(
    z.discriminatedUnion("kind", [
      z.strictObject({ kind: z.literal("numeric"), name: z.string().min(1), mean: finite, std: finite.refine((s) => s >= 0, "expected ≥ 0"), weight: finite }),
      z.strictObject({ kind: z.literal("categorical"), name: z.string().min(1), categories: z.array(z.string()), weights: z.array(finite) }).refine((c) => c.categories.length === c.weights.length, "expected one weight per category"),
    ]),
  ),
  confidence: z.strictObject({ max_probability: finite, margin: finite }),
  model_accuracy: finite.refine((a) => a >= 0 && a <= 1, "expected an accuracy in [0, 1]"),
  drift_model_holdout_accuracy: finite,
  training_rows: z.number().int().min(1),
  binary: z.boolean().optional(),
});

function header(name: string, size: number): Buffer {
  const h = Buffer.alloc(BLOCK, 0);
  const field = (text: string, at: number, length: number) => h.write(text, at, length, "ascii");
  field(name, 0, 100);
  field("0000644\0", 100, 8);
  field("0000000\0", 108, 8);
  field("0000000\0", 116, 8);
  field(`${size.toString(8).padStart(11, "0")}\0`, 124, 12);
  field(`${Math.floor(Date.now() / 1000).toString(8).padStart(11, "0")}\0`, 136, 12);
  field("        ", 148, 8);
  field("0", 156, 1);
  field("ustar\0", 257, 6);
  field("00", 263, 2);
  const sum = h.reduce((s, b) => s + b, 0);
  field(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8);
  return h;
}

export function writeDriftModelArchive(model: DriftModel): Buffer {
  const body = Buffer.from(JSON.stringify(model, null, 1), "utf8");
  const padding = Buffer.alloc((BLOCK - (body.length % BLOCK)) % BLOCK, 0);
  return gzipSync(Buffer.concat([header(DRIFT_MODEL_FILE, body.length), body, padding, Buffer.alloc(2 * BLOCK, 0)]));
}

export function readDriftModelArchive(bytes: Buffer): DriftModel {
  let tar: Buffer;
  try {
    tar = gunzipSync(bytes);
  } catch {
    throw new ValidationError(SUBJECT, [{ path: "model_path", message: "is not a gzip file: give the .tar.gz that drift_monitoring.download_model() wrote" }]);
  }
  for (let at = 0; at + BLOCK <= tar.length; ) {
    const h = tar.subarray(at, at + BLOCK);
    if (h.every((b) => b === 0)) break;
    const stored = parseInt(h.subarray(148, 156).toString("ascii").replace(/\0.*$/s, "").trim(), 8);
    const copy = Buffer.from(h);
    copy.fill(0x20, 148, 156);
    if (!Number.isFinite(stored) || stored !== copy.reduce((s, b) => s + b, 0)) throw new ValidationError(SUBJECT, [{ path: "model_path", message: "is not a tar archive (a header's checksum does not match): the file is corrupt" }]);
    const name = h.subarray(0, 100).toString("utf8").replace(/\0.*$/s, "");
    const size = parseInt(h.subarray(124, 136).toString("ascii").replace(/\0.*$/s, "").trim(), 8);
    const start = at + BLOCK;
    if (!Number.isFinite(size) || start + size > tar.length) throw new ValidationError(SUBJECT, [{ path: "model_path", message: "is truncated: the archive ends inside a file" }]);
    if (name === DRIFT_MODEL_FILE || name.endsWith(`/${DRIFT_MODEL_FILE}`)) {
      let json: unknown;
      try {
        json = JSON.parse(tar.subarray(start, start + size).toString("utf8"));
      } catch {
        throw new ValidationError(SUBJECT, [{ path: DRIFT_MODEL_FILE, message: "is not JSON: the file is corrupt" }]);
      }
      const parsed = modelSchema.safeParse(json);
      if (!parsed.success) throw new ValidationError(SUBJECT, parsed.error.issues.slice(0, 5).map((i) => ({ path: [DRIFT_MODEL_FILE, ...i.path.map(String)].join("."), message: i.message })));
      return parsed.data as DriftModel;
    }
    at = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  throw new ValidationError(SUBJECT, [{ path: "model_path", message: `holds no ${DRIFT_MODEL_FILE}: give the .tar.gz that drift_monitoring.download_model() wrote` }]);
}
