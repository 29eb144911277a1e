/**
 * Weighted ridge regression with an intercept, as scikit-learn's Ridge(alpha, fit_intercept=True).fit(X, y,
 * sample_weight=w) computes it for dense X (sklearn/linear_model/_ridge.py and _base.py: _preprocess_data centres X
 * and y on their w-weighted means, _rescale_data multiplies rows by √w, _solve_cholesky solves (XᵀX + αI) β = Xᵀy, and
 * intercept = ȳ − x̄·β), plus Ridge.score: the w-weighted R² of sklearn.metrics.r2_score.
 *
 * The centred, weighted Gram matrix is computed once per neighbourhood; every fit on a subset of its columns (forward
 * selection fits d·k of them) then costs one small Cholesky solve. A singular system (only possible with alpha = 0:
 * constant columns, collinear ones, fewer rows than columns) gets the minimum-norm solution, as sklearn falls back to
 * its SVD solver; constant columns get weight 0.
 */

/** The neighbourhood centred on its weighted means, reduced to the sums a ridge fit needs. */
export interface WeightedDesign {
  rows: number;
  columns: number;
  /** Σw. */
  weightSum: number;
  /** Weighted column means x̄ and label mean ȳ (np.average with weights). */
  means: Float64Array;
  yMean: number;
  /** Σ w (xⱼ − x̄ⱼ)(xₖ − x̄ₖ), d×d row-major. */
  gram: Float64Array;
  /** Σ w (xⱼ − x̄ⱼ)(y − ȳ). */
  xy: Float64Array;
  /** Σ w (y − ȳ)²: the R² denominator. */
  yy: number;
}

export interface RidgeFit {
  /** One coefficient per used column, in the order given. */
  coef: Float64Array;
  intercept: number;
}

/** `x`: rows × columns, row-major; `y` and `w`: one per row. */
export function weightedDesign(x: ArrayLike<number>, columns: number, y: ArrayLike<number>, w: ArrayLike<number>): WeightedDesign {
  const rows = y.length;
  let weightSum = 0;
  let ySum = 0;
  const sums = new Float64Array(columns);
  for (let i = 0; i < rows; i++) {
    const wi = w[i]!;
    weightSum += wi;
    ySum += wi * y[i]!;
    const base = i * columns;
    for (let j = 0; j < columns; j++) sums[j] += wi * x[base + j]!;
  }
  const means = new Float64Array(columns);
  for (let j = 0; j < columns; j++) means[j] = sums[j]! / weightSum;
  const yMean = ySum / weightSum;
  // A constant column is centred to exact zeros (its weighted mean may differ from the value in the last bit).
  const constant = new Uint8Array(columns).fill(1);
  for (let i = 1; i < rows; i++) {
    const base = i * columns;
    for (let j = 0; j < columns; j++) if (constant[j] && x[base + j] !== x[j]) constant[j] = 0;
  }
  // √w-scaled, centred columns, column-major: z[j·rows + i] = √wᵢ (xᵢⱼ − x̄ⱼ); t = √w (y − ȳ).
  const z = new Float64Array(columns * rows);
  const t = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const s = Math.sqrt(w[i]!);
    t[i] = s * (y[i]! - yMean);
    const base = i * columns;
    for (let j = 0; j < columns; j++) z[j * rows + i] = constant[j] ? 0 : s * (x[base + j]! - means[j]!);
  }
  const gram = new Float64Array(columns * columns);
  const xy = new Float64Array(columns);
  for (let j = 0; j < columns; j++) {
    const zj = z.subarray(j * rows, (j + 1) * rows);
    for (let k = 0; k <= j; k++) {
      const zk = z.subarray(k * rows, (k + 1) * rows);
      let s = 0;
      for (let i = 0; i < rows; i++) s += zj[i]! * zk[i]!;
      gram[j * columns + k] = s;
      gram[k * columns + j] = s;
    }
    let s = 0;
    for (let i = 0; i < rows; i++) s += zj[i]! * t[i]!;
    xy[j] = s;
  }
  let yy = 0;
  for (let i = 0; i < rows; i++) yy += t[i]! * t[i]!;
  return { rows, columns, weightSum, means, yMean, gram, xy, yy };
}

/** Ridge(alpha).fit on the columns `used` of the design. */
export function ridgeFit(design: WeightedDesign, used: readonly number[], alpha: number): RidgeFit {
  const k = used.length;
  const a = new Float64Array(k * k);
  const b = new Float64Array(k);
  for (let p = 0; p < k; p++) {
    b[p] = design.xy[used[p]!]!;
    for (let q = 0; q < k; q++) a[p * k + q] = design.gram[used[p]! * design.columns + used[q]!]!;
    a[p * k + p] += alpha;
  }
  const coef = solveSymmetric(a, b, k);
  let intercept = design.yMean;
  for (let p = 0; p < k; p++) intercept -= design.means[used[p]!]! * coef[p]!;
  return { coef, intercept };
}

/**
 * The weighted R² of a fit on `used`, from the design's sums: 1 − SSR/SST with SSR = yy − 2βᵀb + βᵀGβ. Forward
 * selection ranks candidate subsets by it; sklearn's convention holds: SST = 0 gives 1 for a perfect fit, else 0.
 */
export function designScore(design: WeightedDesign, used: readonly number[], fit: RidgeFit): number {
  const { gram, xy, columns } = design;
  let ssr = design.yy;
  for (let p = 0; p < used.length; p++) {
    const bp = fit.coef[p]!;
    ssr -= 2 * bp * xy[used[p]!]!;
    const row = used[p]! * columns;
    let g = 0;
    for (let q = 0; q < used.length; q++) g += gram[row + used[q]!]! * fit.coef[q]!;
    ssr += bp * g;
  }
  return r2(Math.max(ssr, 0), design.yy);
}

/** sklearn's r2_score(force_finite=True) from its numerator and denominator. */
export function r2(numerator: number, denominator: number): number {
  if (numerator === 0) return 1;
  if (denominator === 0) return 0;
  return 1 - numerator / denominator;
}

/** Solves A x = b for a symmetric positive semi-definite k×k A (row-major; overwritten): Cholesky, else the minimum-norm solution. */
export function solveSymmetric(a: Float64Array, b: Float64Array, k: number): Float64Array {
  const original = Float64Array.from(a);
  let maxDiagonal = 0;
  for (let p = 0; p < k; p++) maxDiagonal = Math.max(maxDiagonal, a[p * k + p]!);
  const tolerance = maxDiagonal * 1e-13;
  let ok = maxDiagonal > 0;
  for (let j = 0; j < k && ok; j++) {
    let d = a[j * k + j]!;
    for (let m = 0; m < j; m++) d -= a[j * k + m]! * a[j * k + m]!;
    if (!(d > tolerance)) {
      ok = false;
      break;
    }
    const l = Math.sqrt(d);
    a[j * k + j] = l;
    for (let i = j + 1; i < k; i++) {
      let s = a[i * k + j]!;
      for (let m = 0; m < j; m++) s -= a[i * k + m]! * a[j * k + m]!;
      a[i * k + j] = s / l;
    }
  }
  if (!ok) return minimumNormSolve(original, b, k);
  const x = Float64Array.from(b);
  for (let i = 0; i < k; i++) {
    let s = x[i]!;
    for (let m = 0; m < i; m++) s -= a[i * k + m]! * x[m]!;
    x[i] = s / a[i * k + i]!;
  }
  for (let i = k - 1; i >= 0; i--) {
    let s = x[i]!;
    for (let m = i + 1; m < k; m++) s -= a[m * k + i]! * x[m]!;
    x[i] = s / a[i * k + i]!;
  }
  return x;
}

/** x = A⁺ b through a cyclic Jacobi eigen-decomposition; eigenvalues below 1e-12 · the largest count as zero. */
function minimumNormSolve(a: Float64Array, b: Float64Array, k: number): Float64Array {
  const v = new Float64Array(k * k);
  for (let p = 0; p < k; p++) v[p * k + p] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let norm = 0;
    for (let p = 0; p < k; p++) for (let q = 0; q < k; q++) (p === q ? (norm += a[p * k + q]! ** 2) : (off += a[p * k + q]! ** 2));
    if (off <= 1e-30 * norm || off === 0) break;
    for (let p = 0; p < k - 1; p++) {
      for (let q = p + 1; q < k; q++) {
        const apq = a[p * k + q]!;
        if (apq === 0) continue;
        const theta = (a[q * k + q]! - a[p * k + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let r = 0; r < k; r++) {
          const arp = a[r * k + p]!, arq = a[r * k + q]!;
          a[r * k + p] = c * arp - s * arq;
          a[r * k + q] = s * arp + c * arq;
        }
        for (let r = 0; r < k; r++) {
          const apr = a[p * k + r]!, aqr = a[q * k + r]!;
          a[p * k + r] = c * apr - s * aqr;
          a[q * k + r] = s * apr + c * aqr;
        }
        for (let r = 0; r < k; r++) {
          const vrp = v[r * k + p]!, vrq = v[r * k + q]!;
          v[r * k + p] = c * vrp - s * vrq;
          v[r * k + q] = s * vrp + c * vrq;
        }
      }
    }
  }
  let largest = 0;
  for (let p = 0; p < k; p++) largest = Math.max(largest, Math.abs(a[p * k + p]!));
  const x = new Float64Array(k);
  for (let e = 0; e < k; e++) {
    const lambda = a[e * k + e]!;
    if (!(lambda > largest * 1e-12)) continue;
    let proj = 0;
    for (let r = 0; r < k; r++) proj += v[r * k + e]! * b[r]!;
    const f = proj / lambda;
    for (let r = 0; r < k; r++) x[r] += f * v[r * k + e]!;
  }
  return x;
}
