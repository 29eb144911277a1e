/**
 * The pertinent positive: a minimal set of the instance's features that alone, every other feature at its neutral
 * base value, still gets the explained class. Greedy and batched, one engine call per step:
 * - step 1 scores the all-base row and the base row with each single feature put back;
 * - each later step scores the kept set plus each remaining feature (the freshest ranking), and, in the same call,
 *   the kept set plus the first 2, 3, … features of the previous step's ranking (a look-ahead that ends the search in
 *   one call when the ranking holds, as it does for additive models);
 * - the best feature (highest probability of the explained class; ties: lower index) is kept until a row gets the class;
 * - then a pruning step scores the kept set minus each feature and drops the best one that is not needed, until none
 *   can go (`minimal`: no kept feature can be dropped).
 */
import { sameValue, type CheckedInput, type ScoredRow } from "./input";

export interface KeptFeature {
  feature: string;
  value: unknown;
}

export interface PertinentPositiveFound {
  found: true;
  /** The instance's features kept, in feature order (empty when the all-base row already gets the class). */
  kept: KeptFeature[];
  /** The explained class's probability with only these features kept, and with none (null without probabilities). */
  probability: number | null;
  base_probability: number | null;
  /** The pruning step confirmed that no kept feature can be dropped (false when the budget ended first). */
  minimal: boolean;
}

export interface PertinentPositiveMissing {
  found: false;
  reason: string;
}

export type PertinentPositive = PertinentPositiveFound | PertinentPositiveMissing;

type Pending = { kind: "base" } | { kind: "add"; feature: number } | { kind: "prefix"; length: number } | { kind: "drop"; feature: number };

/** Higher probability first (null last), then lower feature index. */
function better(a: { feature: number; row: ScoredRow }, b: { feature: number; row: ScoredRow }): boolean {
  const pa = a.row.probability ?? -Infinity, pb = b.row.probability ?? -Infinity;
  return pa !== pb ? pa > pb : a.feature < b.feature;
}

function best<T extends { feature: number; row: ScoredRow }>(items: T[]): T | null {
  return items.reduce<T | null>((m, x) => (m === null || better(x, m) ? x : m), null);
}

export class PositiveSearch {
  done = false;
  private phase: "start" | "grow" | "prune" = "start";
  private kept: number[] = [];
  /** The features not kept, most promising first (index order before any step). */
  private ranking: number[];
  private pending: Pending[] = [];
  private current: ScoredRow | null = null;
  private base: ScoredRow | null = null;
  private minimal = false;
  private impossible = false;

  constructor(private readonly spec: CheckedInput) {
    this.ranking = spec.features.map((_, f) => f);
  }

  /** The rows of the next step, at most `capacity`; none when the search is over. */
  next(capacity: number): unknown[][] {
    if (this.done) return [];
    const pending: Pending[] = [];
    if (this.phase === "prune") for (const f of this.kept) pending.push({ kind: "drop", feature: f });
    else {
      if (this.phase === "start") pending.push({ kind: "base" });
      for (const f of this.ranking) pending.push({ kind: "add", feature: f });
      if (this.phase === "grow") for (let j = 2; j <= this.ranking.length; j++) pending.push({ kind: "prefix", length: j });
    }
    this.pending = pending.slice(0, Math.max(0, capacity));
    return this.pending.map((p) => this.row(p));
  }

  absorb(rows: readonly ScoredRow[]): void {
    const restores = (r: ScoredRow) => sameValue(r.prediction, this.spec.predictedClass);
    const pending = this.pending;
    this.pending = [];
    if (this.phase === "prune") {
      const droppable = best(pending.map((p, i) => ({ feature: (p as { feature: number }).feature, row: rows[i]! })).filter((x) => restores(x.row)));
      if (droppable === null) return this.stop(true);
      this.kept = this.kept.filter((f) => f !== droppable.feature);
      this.current = droppable.row;
      if (this.kept.length <= 1) this.stop(true);
      return;
    }
    const adds: { feature: number; row: ScoredRow }[] = [];
    let prefix: { length: number; row: ScoredRow } | null = null;
    pending.forEach((p, i) => {
      const row = rows[i]!;
      if (p.kind === "base") this.base = row;
      else if (p.kind === "add") adds.push({ feature: p.feature, row });
      else if (p.kind === "prefix" && prefix === null && restores(row)) prefix = { length: p.length, row };
    });
    if (this.phase === "start" && this.base !== null && restores(this.base)) {
      this.current = this.base;
      return this.stop(true);
    }
    this.phase = "grow";
    const restoring = best(adds.filter((a) => restores(a.row)));
    if (restoring !== null) return this.keep([restoring.feature], restoring.row);
    if (prefix !== null) {
      const { length, row } = prefix;
      return this.keep(this.ranking.slice(0, length), row);
    }
    const next = best(adds);
    if (next === null) {
      this.impossible = true;
      return this.stop(false);
    }
    const scored = new Set(adds.map((a) => a.feature));
    const fresh = adds.filter((a) => a.feature !== next.feature).sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0)).map((a) => a.feature);
    this.kept.push(next.feature);
    this.ranking = [...fresh, ...this.ranking.filter((f) => !scored.has(f))];
    if (this.ranking.length === 0) {
      this.impossible = true;
      this.stop(false);
    }
  }

  result(calls: number): PertinentPositive {
    const n = this.spec.features.length;
    if (this.current === null) {
      const reason = this.impossible
        ? `even the instance's own values on all ${n} features do not get ${String(this.spec.predictedClass)} from the engine now`
        : `the base row with ${this.kept.length} of ${n} features put back still does not get ${String(this.spec.predictedClass)} after ${calls} engine call${calls === 1 ? "" : "s"}: raise maxEngineCalls to search further`;
      return { found: false, reason };
    }
    const kept = [...this.kept].sort((a, b) => a - b);
    return {
      found: true,
      kept: kept.map((f) => ({ feature: this.spec.features[f]!.name, value: this.spec.instance[f] })),
      probability: this.current.probability,
      base_probability: this.base?.probability ?? null,
      minimal: this.minimal,
    };
  }

  private keep(features: number[], row: ScoredRow): void {
    this.kept.push(...features);
    this.current = row;
    this.phase = "prune";
    if (this.kept.length <= 1) this.stop(true); // the all-base row did not get the class: one feature is minimal
  }

  private stop(minimal: boolean): void {
    this.done = true;
    this.minimal = minimal;
  }

  private row(p: Pending): unknown[] {
    const keep = new Set(this.kept);
    if (p.kind === "add") keep.add(p.feature);
    else if (p.kind === "prefix") for (const f of this.ranking.slice(0, p.length)) keep.add(f);
    else if (p.kind === "drop") keep.delete(p.feature);
    return this.spec.features.map((_, f) => (keep.has(f) ? this.spec.instance[f] : this.spec.base[f]));
  }
}
