import { dot } from "../../metrics/linear/linear-algebra";

/**
 * Fits multinomial (softmax) logistic regression with L2 penalty by full-batch gradient descent with momentum;
 * deterministic (starts at zero). `y` holds class indexes. Returns one weight vector per class.
 */
export function fitSoftmaxRegression(
  x: Float64Array[],
  y: number[],
  classes: number,
  options: { l2?: number; iterations?: number; learningRate?: number } = {},
): Float64Array[] {
  const n = x.length;
  const p = x[0]!.length;
  const l2 = options.l2 ?? 1e-3;
  const rate = options.learningRate ?? 0.5;
  const w = Array.from({ length: classes }, () => new Float64Array(p));
  const velocity = Array.from({ length: classes }, () => new Float64Array(p));
  for (let iteration = 0; iteration < (options.iterations ?? 400); iteration++) {
    const gradient = Array.from({ length: classes }, () => new Float64Array(p));
    for (let i = 0; i < n; i++) {
      const probs = softmax(w.map((wc) => dot(wc, x[i]!)));
      for (let c = 0; c < classes; c++) {
        const error = probs[c]! - (y[i] === c ? 1 : 0);
        const g = gradient[c]!;
        const xi = x[i]!;
        for (let j = 0; j < p; j++) g[j]! += error * xi[j]!;
      }
    }
    for (let c = 0; c < classes; c++) {
      for (let j = 0; j < p; j++) {
        const g = gradient[c]![j]! / n + (j > 0 ? l2 * w[c]![j]! : 0);
        velocity[c]![j] = 0.9 * velocity[c]![j]! - rate * g;
        w[c]![j]! += velocity[c]![j]!;
      }
    }
  }
  return w;
}

export function softmax(z: number[]): number[] {
  const max = Math.max(...z);
  const e = z.map((v) => Math.exp(v - max));
  const sum = e.reduce((s, v) => s + v, 0);
  return e.map((v) => v / sum);
}
