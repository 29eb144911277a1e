/**
 * The pertinent negative: the smallest change to the instance, over the candidate grid, that makes the engine predict
 * another class. Round k scores k-feature changes in one engine call: round 1 every single feature moved to each of
 * its candidate values (nearest first if they do not all fit); round 2+ every k-combination of the most promising
 * features (those whose single moves lowered the explained class's probability most) and of their most promising
 * values, as many as fit in the call, and only changes smaller than the best flip found so far. When every round scored
 * all such changes the answer is the optimum over the grid (`grid_optimal`).
 *
 * Distance = Σ |Δ| ÷ (max − min) over the numeric features changed + 1 per category changed. Ties go to fewer
 * changes, then to the lower feature indices, then to the values nearer the instance: same input, same answer.
 */
import { DISTANCE_TOLERANCE, sameValue, type CheckedInput, type ScoredRow } from "./input";

export interface FeatureChange {
  feature: string;
  from: unknown;
  to: unknown;
}

export interface PertinentNegativeFound {
  found: true;
  /** The changed features, in feature order. */
  changes: FeatureChange[];
  /** The class the engine predicts after the changes. */
  target_class: unknown;
  /** The explained class's probability at the instance and after the changes (null without probabilities). */
  probability_before: number | null;
  probability_after: number | null;
  /** The target class's probability after the changes. */
  target_probability: number | null;
  distance: number;
  /** Every round scored every candidate change that could beat this one: no smaller flip exists on the grid. */
  grid_optimal: boolean;
  rounds: number;
}

export interface PertinentNegativeMissing {
  found: false;
  reason: string;
  /** Every change on the grid was scored: this instance cannot be flipped by the grid's values. */
  grid_exhausted: boolean;
  rounds: number;
}

export type PertinentNegative = PertinentNegativeFound | PertinentNegativeMissing;

/** Changes to `features` (ascending) to the candidate indices `values`. */
interface Combo {
  features: number[];
  values: number[];
  distance: number;
}

/** Lexicographic: feature indices, then candidate indices (nearer first). */
function compareKeys(a: Combo, b: Combo): number {
  for (let i = 0; i < a.features.length; i++) if (a.features[i] !== b.features[i]) return a.features[i]! - b.features[i]!;
  for (let i = 0; i < a.values.length; i++) if (a.values[i] !== b.values[i]) return a.values[i]! - b.values[i]!;
  return 0;
}

/** a is a smaller change than b. */
function smaller(a: Combo, b: Combo): boolean {
  if (a.distance < b.distance - DISTANCE_TOLERANCE) return true;
  if (a.distance > b.distance + DISTANCE_TOLERANCE) return false;
  if (a.features.length !== b.features.length) return a.features.length < b.features.length;
  return compareKeys(a, b) < 0;
}

export class NegativeSearch {
  done = false;
  rounds = 0;
  private best: { combo: Combo; row: ScoredRow } | null = null;
  /** Per feature, per candidate: how much the single move lowered the explained class's probability (-∞ if unscored). */
  private readonly drops: Float64Array[];
  private pending: Combo[] = [];
  private pendingFull = false;
  private allFull = true;
  private exhausted = false;
  private probabilityBefore: number | null = null;
  private scored = 0;

  constructor(private readonly spec: CheckedInput) {
    this.drops = spec.grid.map((values) => new Float64Array(values.length).fill(-Infinity));
  }

  /** The rows of the next round, at most `capacity`; none when the search is over. */
  next(capacity: number): unknown[][] {
    if (this.done || capacity < 1) return [];
    const k = this.rounds + 1;
    if (k > this.spec.features.length) return this.finish(true);
    const { combos, full } = this.plan(k, capacity);
    if (combos.length === 0) return this.finish(full);
    this.rounds = k;
    this.pending = combos;
    this.pendingFull = full;
    return combos.map((c) => this.row(c));
  }

  /** The engine's answers to the rows of `next`, in order; `before` is the instance's own. */
  absorb(rows: readonly ScoredRow[], before: ScoredRow): void {
    this.probabilityBefore = before.probability;
    if (!this.pendingFull) this.allFull = false;
    this.scored += this.pending.length;
    this.pending.forEach((combo, i) => {
      const row = rows[i]!;
      if (combo.features.length === 1) {
        const drop = before.probability !== null && row.probability !== null ? before.probability - row.probability : 0;
        this.drops[combo.features[0]!]![combo.values[0]!] = drop;
      }
      if (!sameValue(row.prediction, this.spec.predictedClass) && (this.best === null || smaller(combo, this.best.combo))) this.best = { combo, row };
    });
    this.pending = [];
  }

  result(calls: number): PertinentNegative {
    if (this.best === null) {
      const rounds = `${this.rounds} round${this.rounds === 1 ? "" : "s"}`;
      const off = `moves the prediction off ${String(this.spec.predictedClass)}`;
      const reason = this.exhausted && this.allFull
        ? `no change on the candidate grid ${off} (${rounds}, every combination scored)`
        : this.done
          ? `none of the ${this.scored} changes scored in ${rounds} ${off} (rounds past the first held only the most promising combinations that fit in one call): raise batchSize to search more of the grid`
          : `none of the ${this.scored} changes scored in ${rounds} ${off} within ${calls} engine call${calls === 1 ? "" : "s"}: raise maxEngineCalls or batchSize to search further`;
      return { found: false, reason, grid_exhausted: this.exhausted && this.allFull, rounds: this.rounds };
    }
    const { combo, row } = this.best;
    return {
      found: true,
      changes: combo.features.map((f, i) => ({ feature: this.spec.features[f]!.name, from: this.spec.instance[f], to: this.spec.grid[f]![combo.values[i]!]!.value })),
      target_class: row.prediction,
      probability_before: this.probabilityBefore,
      probability_after: row.probability,
      target_probability: row.ownProbability,
      distance: combo.distance,
      grid_optimal: this.exhausted && this.allFull,
      rounds: this.rounds,
    };
  }

  private finish(exhausted: boolean): unknown[][] {
    this.done = true;
    this.exhausted = exhausted;
    return [];
  }

  private row(combo: Combo): unknown[] {
    const row = [...this.spec.instance];
    combo.features.forEach((f, i) => (row[f] = this.spec.grid[f]![combo.values[i]!]!.value));
    return row;
  }

  /**
   * Round k's changes: the k-combinations of the top m features and their top v values that could beat the best flip,
   * with (m, v) the plan that fits the most of them in `capacity` (ties: more features, then more values).
   */
  private plan(k: number, capacity: number): { combos: Combo[]; full: boolean } {
    const grid = this.spec.grid;
    const promise = (f: number) => this.drops[f]!.reduce((m, d) => Math.max(m, d), -Infinity);
    const features = grid.map((_, f) => f).filter((f) => grid[f]!.length > 0);
    if (k > 1) features.sort((a, b) => promise(b) - promise(a) || a - b);
    const ranked = grid.map((values, f) => {
      const order = values.map((_, j) => j);
      if (k > 1) order.sort((a, b) => this.drops[f]![b]! - this.drops[f]![a]! || a - b);
      return order;
    });
    const maxValues = features.reduce((m, f) => Math.max(m, grid[f]!.length), 0);
    const full = this.enumerate(features, ranked, features.length, maxValues, k, capacity);
    if (full !== null) return { combos: full, full: true };
    let chosen: Combo[] = [];
    for (let m = features.length; m >= k; m--) {
      for (let v = maxValues; v >= 1; v--) {
        const combos = this.enumerate(features, ranked, m, v, k, capacity);
        if (combos === null) continue;
        if (combos.length > chosen.length) chosen = combos;
        break;
      }
    }
    return { combos: chosen, full: false };
  }

  /** The combinations of plan (m, v), smallest first; null when more than `limit`. */
  private enumerate(features: number[], ranked: number[][], m: number, v: number, k: number, limit: number): Combo[] | null {
    const grid = this.spec.grid;
    const bound = this.best === null ? Infinity : this.best.combo.distance - DISTANCE_TOLERANCE;
    const out: Combo[] = [];
    const chosenF: number[] = [];
    const chosenV: number[] = [];
    const walk = (from: number, distance: number): boolean => {
      if (chosenF.length === k) {
        const order = chosenF.map((_, i) => i).sort((a, b) => chosenF[a]! - chosenF[b]!);
        const fs = order.map((i) => chosenF[i]!);
        const vs = order.map((i) => chosenV[i]!);
        let d = 0;
        for (let i = 0; i < k; i++) d += grid[fs[i]!]![vs[i]!]!.distance;
        out.push({ features: fs, values: vs, distance: d });
        return out.length <= limit;
      }
      for (let p = from; p <= m - (k - chosenF.length); p++) {
        const f = features[p]!;
        const values = ranked[f]!;
        for (let j = 0; j < Math.min(v, values.length); j++) {
          const d = distance + grid[f]![values[j]!]!.distance;
          if (d >= bound) continue;
          chosenF.push(f);
          chosenV.push(values[j]!);
          const ok = walk(p + 1, d);
          chosenF.pop();
          chosenV.pop();
          if (!ok) return false;
        }
      }
      return true;
    };
    if (!walk(0, 0)) return null;
    return out.sort((a, b) => a.distance - b.distance || compareKeys(a, b));
  }
}
