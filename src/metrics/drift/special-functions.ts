/**
 * The few special functions the drift tests need, implemented here so the toolkit has no numeric dependency:
 * log Γ, the regularized incomplete gamma functions, the χ² and normal survival functions. Each is accurate to
 * about 1e-14 relative in the ranges the drift tests use (checked against SciPy in test/unit/drift-metrics.test.ts).
 */

const LOG_SQRT_2PI = 0.91893853320467274178032973640561764;

/** Stirling-series coefficients B_2k / (2k(2k−1)), k = 1…8 (the same numbers as Cephes' and SciPy's). */
const STIRLING = [
  8.3333333333333333333e-2, -2.7777777777777777778e-3, 7.9365079365079365079e-4, -5.952380952380952381e-4,
  8.4175084175084175084e-4, -1.9175269175269175269e-3, 6.4102564102564102564e-3, -2.955065359477124183e-2,
];

/**
 * log Γ(x) for x > 0. Below 15 the argument is shifted up by the recurrence Γ(x+1) = xΓ(x) (one log of a product,
 * so the error stays at a few ulps); from 15 up, Stirling's series with 8 terms is exact to double precision.
 */
export function logGamma(x: number): number {
  if (!(x > 0)) return x === 0 ? Infinity : NaN;
  let shift = 1;
  let y = x;
  while (y < 15) {
    shift *= y;
    y += 1;
  }
  const r = 1 / y;
  const r2 = r * r;
  let series = 0;
  for (let k = STIRLING.length - 1; k >= 0; k--) series = series * r2 + STIRLING[k]!;
  const stirling = (y - 0.5) * Math.log(y) - y + LOG_SQRT_2PI + series * r;
  return shift === 1 ? stirling : stirling - Math.log(shift);
}

/** x^a e^(−x) / Γ(a), the common factor of both incomplete gamma expansions, taken through logs so it cannot overflow. */
function gammaPrefactor(a: number, x: number): number {
  return Math.exp(a * Math.log(x) - x - logGamma(a));
}

const EPS = 2.220446049250313e-16;
const MAX_TERMS = 100000;

/** P(a, x) by its power series: converges quickly for x < a + 1, where P is not close to 1. */
function lowerSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < MAX_TERMS; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPS) break;
  }
  return sum * gammaPrefactor(a, x);
}

/** Q(a, x) by its continued fraction (modified Lentz): converges quickly for x ≥ a + 1, where Q is not close to 1. */
function upperContinuedFraction(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_TERMS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return h * gammaPrefactor(a, x);
}

/**
 * The regularized upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a) (scipy.special.gammaincc). Each branch
 * computes the smaller of P and Q directly, so a tiny survival probability keeps its relative precision.
 */
export function regularizedUpperGamma(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return NaN;
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - lowerSeries(a, x) : upperContinuedFraction(a, x);
}

/** The regularized lower incomplete gamma function P(a, x) = 1 − Q(a, x) (scipy.special.gammainc). */
export function regularizedLowerGamma(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return NaN;
  if (x === 0) return 0;
  if (x === Infinity) return 1;
  return x < a + 1 ? lowerSeries(a, x) : 1 - upperContinuedFraction(a, x);
}

/** Pr(χ²_df > x), scipy.stats.chi2.sf(x, df): Q(df/2, x/2). NaN unless df > 0. */
export function chiSquaredSurvival(x: number, df: number): number {
  if (!(df > 0) || Number.isNaN(x)) return NaN;
  if (x <= 0) return 1;
  return regularizedUpperGamma(df / 2, x / 2);
}

/**
 * Pr(Z > z) for a standard normal Z, scipy.stats.norm.sf: erfc(z/√2)/2, with erfc(t) = Q(1/2, t²). The upper tail
 * is computed directly, so p-values far below 1e-16 keep their relative precision (1 − Φ(z) would round to 0).
 */
export function normalSurvival(z: number): number {
  if (Number.isNaN(z)) return NaN;
  const q = 0.5 * regularizedUpperGamma(0.5, (z * z) / 2);
  return z >= 0 ? q : 1 - q;
}
