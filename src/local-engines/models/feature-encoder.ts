/**
 * Turns rows into numeric vectors: one-hot for categorical columns (categories seen in training; an unseen one
 * encodes as all zeros), standardised numbers for the rest, and a leading 1 for the intercept.
 */
export class FeatureEncoder {
  private constructor(
    readonly featureColumns: string[],
    private readonly categories: Map<string, string[]>,
    private readonly stats: Map<string, { mean: number; sd: number }>,
  ) {}

  static fit(rows: Record<string, unknown>[], featureColumns: string[], categoricalColumns: string[]): FeatureEncoder {
    const categories = new Map<string, string[]>();
    const stats = new Map<string, { mean: number; sd: number }>();
    for (const column of featureColumns) {
      if (categoricalColumns.includes(column)) {
        categories.set(column, [...new Set(rows.map((r) => String(r[column])))].sort());
      } else {
        const xs = rows.map((r) => Number(r[column]));
        const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
        const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length) || 1;
        stats.set(column, { mean, sd });
      }
    }
    return new FeatureEncoder(featureColumns, categories, stats);
  }

  /** Length of an encoded vector, intercept included. */
  get width(): number {
    let n = 1;
    for (const column of this.featureColumns) n += this.categories.get(column)?.length ?? 1;
    return n;
  }

  encode(row: Record<string, unknown>): Float64Array {
    const out = new Float64Array(this.width);
    out[0] = 1;
    let at = 1;
    for (const column of this.featureColumns) {
      const cats = this.categories.get(column);
      if (cats) {
        const k = cats.indexOf(String(row[column]));
        if (k >= 0) out[at + k] = 1;
        at += cats.length;
      } else {
        const { mean, sd } = this.stats.get(column)!;
        out[at++] = (Number(row[column]) - mean) / sd;
      }
    }
    return out;
  }

  isCategorical(column: string): boolean {
    return this.categories.has(column);
  }
}
