import type { Dataset } from "./dataset";
import { SeededRandom } from "./random";

/** Class-wise means and standard deviations close to the classic iris measurements (cm). */
const SPECIES: Record<string, { mean: number[]; sd: number[] }> = {
  setosa: { mean: [5.01, 3.43, 1.46, 0.25], sd: [0.35, 0.38, 0.17, 0.1] },
  versicolor: { mean: [5.94, 2.77, 4.26, 1.33], sd: [0.52, 0.31, 0.47, 0.2] },
  virginica: { mean: [6.59, 2.97, 5.55, 2.03], sd: [0.64, 0.32, 0.55, 0.27] },
};

const FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"];

/** A synthetic, iris-like multiclass data set drawn from class-wise Gaussians (generated, not the real measurements). */
export function generateIris(options: { rows?: number; seed?: number | string } = {}): Dataset {
  const count = options.rows ?? 600;
  const random = new SeededRandom(`iris:${options.seed ?? 42}`);
  const labels = Object.keys(SPECIES);
  const values: (string | number)[][] = [];
  for (let i = 0; i < count; i++) {
    const species = labels[i % labels.length]!;
    const { mean, sd } = SPECIES[species]!;
    values.push([...mean.map((m, j) => Math.max(0.1, round1(random.normal(m, sd[j]!)))), species]);
  }
  return {
    name: "Iris species (synthetic)",
    fields: [...FEATURES, "species"],
    values: random.shuffle(values),
    feature_columns: FEATURES,
    categorical_columns: [],
    label_column: "species",
    labels,
  };
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
