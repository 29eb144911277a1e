/**
 * A protected attribute's groups (v1 `Feature`): the reference (majority) and monitored (minority) values or
 * inclusive [lo, hi] ranges, checked for kind and overlap, and which group a row's value falls in.
 */
import { z } from "zod";

const category = z.union([z.string(), z.number().refine(Number.isFinite, "expected a finite number")], { error: "expected a category (text or a number) or a [lo, hi] range" });
const range = z
  .tuple([z.number().refine(Number.isFinite, "expected a finite number"), z.number().refine(Number.isFinite, "expected a finite number")], { error: "expected a [lo, hi] range of two numbers" })
  .refine(([lo, hi]) => lo <= hi, "is a range whose low end is above its high end: write it [lo, hi]");
const group = z
  .array(z.union([range, category]), { error: "expected a list of categories, or of [lo, hi] ranges" })
  .min(1, "is empty: name at least one value or range")
  .refine((values) => values.every(Array.isArray) || values.every((v) => !Array.isArray(v)), "mixes categories and [lo, hi] ranges: give one kind");

/** `Feature._to_json()`: `{feature, majority, minority, threshold}`; ranges are inclusive at both ends. */
export const featureSchema = z
  .strictObject({
    feature: z.string({ error: "expected the column's name" }).min(1, "expected the column's name"),
    majority: group,
    minority: group,
    threshold: z.number({ error: "expected a number in (0, 1], such as 0.95" }).gt(0, "must be above 0: it is the lowest fair ratio, such as 0.8").max(1, "must be 1 at most: it is a ratio (0.95 means 95 %)"),
  })
  .superRefine((f, ctx) => {
    const kinds = [Array.isArray(f.majority[0]), Array.isArray(f.minority[0])];
    if (kinds[0] !== kinds[1]) {
      ctx.addIssue({ code: "custom", path: ["minority"], message: "is a different kind than majority: give both as categories, or both as [lo, hi] ranges" });
      return;
    }
    const overlap = overlapping(f.majority, f.minority);
    if (overlap) ctx.addIssue({ code: "custom", path: ["minority"], message: `${overlap} is in both majority and minority: a row belongs to one group` });
  });

export type FairnessFeature = z.output<typeof featureSchema>;
export type GroupValue = string | number | [number, number];

/** The first value or range the two groups share (inclusive ranges), described, or undefined. */
function overlapping(majority: readonly unknown[], minority: readonly unknown[]): string | undefined {
  for (const a of majority) {
    for (const b of minority) {
      if (Array.isArray(a) && Array.isArray(b)) {
        if (a[0] <= b[1] && b[0] <= a[1]) return `[${b[0]}, ${b[1]}] overlaps [${a[0]}, ${a[1]}], which`;
      } else if (a === b) return `'${String(a)}'`;
    }
  }
  return undefined;
}

export function isRangeFeature(f: FairnessFeature): boolean {
  return Array.isArray(f.majority[0]);
}

/** How a group value is shown: `female`, `[18, 25]`. */
export function valueLabel(value: GroupValue): string {
  return Array.isArray(value) ? `[${value[0]}, ${value[1]}]` : String(value);
}

/** The group of a value: `{ side, index }` (index within the side's values), or undefined when in neither group. */
export function groupOf(feature: FairnessFeature, value: unknown): { side: "majority" | "minority"; index: number } | undefined {
  for (const side of ["majority", "minority"] as const) {
    const values = feature[side];
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (Array.isArray(v)) {
        const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
        if (n >= v[0] && n <= v[1]) return { side, index: i };
      } else if (v === value || String(v) === String(value)) return { side, index: i };
    }
  }
  return undefined;
}
