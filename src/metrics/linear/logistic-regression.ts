import { dot, solveSpd } from "./linear-algebra";

/**
 * Fits L2-regularised binary logistic regression by Newton's method (IRLS): exact, deterministic, and a handful
 * of iterations. `y` holds 1 for the positive class. The intercept (column 0) is not penalised.
 */
export function fitLogisticRegression(x: Float64Array[], y: number[], options: { l2?: number; iterations?: number } = {}): Float64Array {
  const n = x.length;
  const p = x[0]!.length;
  const l2 = options.l2 ?? 1;
  let w = new Float64Array(p);
  for (let iteration = 0; iteration < (options.iterations ?? 25); iteration++) {
    const hessian = new Float64Array(p * p);
    const gradient = new Float64Array(p);
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      const prob = 1 / (1 + Math.exp(-dot(w, xi)));
      const weight = prob * (1 - prob);
      const residual = y[i]! - prob;
      for (let j = 0; j < p; j++) {
        const xij = xi[j]!;
        if (xij === 0) continue;
        gradient[j]! += residual * xij;
        const row = j * p;
        const wx = weight * xij;
        for (let k = 0; k <= j; k++) hessian[row + k]! += wx * xi[k]!;
      }
    }
    for (let j = 0; j < p; j++) {
      for (let k = 0; k < j; k++) hessian[k * p + j] = hessian[j * p + k]!;
      if (j > 0) {
        hessian[j * p + j]! += l2;
        gradient[j]! -= l2 * w[j]!;
      } else {
        hessian[0]! += 1e-9;
      }
    }
    const step = solveSpd(hessian, gradient, p);
    w = w.map((v, j) => v + step[j]!);
    if (Math.max(...step.map(Math.abs)) < 1e-8) break;
  }
  return w;
}

export function logisticProbability(w: Float64Array, x: Float64Array): number {
  return 1 / (1 + Math.exp(-dot(w, x)));
}
