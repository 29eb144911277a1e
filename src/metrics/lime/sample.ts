/**
 * LIME's neighbourhood of one instance, as lime_tabular.LimeTabularExplainer.__data_inverse draws it with its defaults
 * (discretize_continuous=True, discretizer='quartile', sample_around_instance=False): every feature of every perturbed
 * row is drawn independently from the training distribution, a numeric feature by its quartile bin (by the bins'
 * training frequencies) and then a value inside the bin (BaseDiscretizer.undiscretize: a normal with the bin's mean
 * and std truncated to the bin's bounds), a categorical one by its values' frequencies. The binary representation is 1
 * where a row's bin or category equals the instance's. Row 0 is the instance itself, all ones.
 *
 * One deliberate difference: when a bin's min equals its max (a bin holding one value, e.g. many training rows at the
 * column's minimum), lime's get_undiscretize_values returns the bin's z-score bound rather than a value; here such a
 * bin yields its value.
 */
import { ValidationError, type ValidationIssue } from "../../errors";
import { LimeRandom } from "./random";
import { limeBin, limeFeatureName, limeSummaryIssues, type LimeTrainingSummary, type LimeValue } from "./summary";

export interface LimeSampleOptions {
  /** Rows in the neighbourhood, the instance included; default 5000 (explain_instance). At least 2. */
  numSamples?: number;
  /** The random stream's seed (any integer); default 0. */
  seed?: number;
}

export interface LimeSample {
  /** numSamples rows in data space, in the summary's feature order, to be scored by the model; rows[0] is the instance. */
  rows: LimeValue[][];
  /** numSamples × featureCount, row-major: 1 where the row's bin or category is the instance's. Input of limeExplain. */
  binary: Uint8Array;
  featureCount: number;
  /** lime's name of each feature for this instance: "Age <= 25.00", "25.00 < Age <= 35.00", "Sex=female". */
  names: string[];
  /** The summary's feature names, the rows' column order. */
  fields: string[];
}

/**
 * `instance`: the explained row, either by feature name or as an array in the summary's feature order. A numeric feature
 * needs a finite number; a categorical value unseen in training is allowed (no perturbed row then shares it).
 */
export function limeSample(summary: LimeTrainingSummary, instance: Readonly<Record<string, unknown>> | readonly unknown[], options: LimeSampleOptions = {}): LimeSample {
  const issues: ValidationIssue[] = limeSummaryIssues(summary);
  const numSamples = options.numSamples ?? 5000;
  const seed = options.seed ?? 0;
  if (!Number.isInteger(numSamples) || numSamples < 2) issues.push({ path: "numSamples", message: `is ${String(numSamples)}: a neighbourhood is the instance and at least one perturbed row, so give an integer ≥ 2 (lime's default is 5000)` });
  if (!Number.isFinite(seed)) issues.push({ path: "seed", message: `is ${String(seed)}: give an integer seed` });
  if (issues.length) throw new ValidationError("LIME sample request", issues);

  const features = summary.features;
  const d = features.length;
  const byName = !Array.isArray(instance);
  if (!byName && (instance as readonly unknown[]).length !== d) issues.push({ path: "instance", message: `has ${(instance as readonly unknown[]).length} values for ${d} features: give one per feature, in the summary's order (or an object by feature name)` });
  const values: LimeValue[] = features.map((f, j) => {
    const v = byName ? (instance as Readonly<Record<string, unknown>>)[f.name] : (instance as readonly unknown[])[j];
    const at = byName ? `instance.${f.name}` : `instance[${j}] (${f.name})`;
    if (f.type === "numeric") {
      if (typeof v !== "number" || !Number.isFinite(v)) issues.push({ path: at, message: `is ${v === undefined ? "missing" : typeof v === "string" ? JSON.stringify(v) : String(v)}: '${f.name}' is numeric, so give a finite number (lime cannot explain a missing value)` });
    } else if (!(typeof v === "string" || (typeof v === "number" && Number.isFinite(v)))) {
      issues.push({ path: at, message: `is ${v === undefined ? "missing" : String(v)}: '${f.name}' is categorical, so give one of its values (a string or a finite number)` });
    }
    return v as LimeValue;
  });
  if (issues.length) throw new ValidationError("LIME instance", issues);

  const rng = new LimeRandom(seed);
  const rows: LimeValue[][] = Array.from({ length: numSamples }, () => new Array<LimeValue>(d));
  const binary = new Uint8Array(numSamples * d);
  for (let j = 0; j < d; j++) {
    const f = features[j]!;
    rows[0]![j] = values[j]!;
    binary[j] = 1;
    const cumulative = new Float64Array(f.counts.length);
    f.counts.reduce((s, c, k) => (cumulative[k] = s + c), 0);
    if (f.type === "categorical") {
      const own = f.values.indexOf(values[j]!);
      for (let i = 1; i < numSamples; i++) {
        const k = rng.choice(cumulative);
        rows[i]![j] = f.values[k]!;
        binary[i * d + j] = k === own ? 1 : 0;
      }
      continue;
    }
    const own = limeBin(f.edges, values[j] as number);
    for (let i = 1; i < numSamples; i++) {
      const k = rng.choice(cumulative);
      binary[i * d + j] = k === own ? 1 : 0;
      rows[i]![j] = valueInBin(rng, f.mins[k]!, f.maxs[k]!, f.means[k]!, f.stds[k]!);
    }
  }
  return { rows, binary, featureCount: d, names: features.map((f, j) => limeFeatureName(f, values[j]!)), fields: features.map((f) => f.name) };
}

/** mean + std·z with z a standard normal truncated to the bin, [min, max] in z units (scipy.stats.truncnorm). */
function valueInBin(rng: LimeRandom, min: number, max: number, mean: number, std: number): number {
  if (min === max) return min;
  const z = rng.truncatedNormal((min - mean) / std, (max - mean) / std);
  const x = mean + std * z;
  return x < min ? min : x > max ? max : x;
}
