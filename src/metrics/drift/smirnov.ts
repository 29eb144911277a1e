/**
 * The limiting Kolmogorov distribution and the one-sided Smirnov distribution, after SciPy's Cephes
 * `scipy/special/cephes/kolmogorov.c` (v1.10.1): `kolmogorov(x)` = scipy.special.kolmogorov, the survival function
 * of √n·Dₙ as n → ∞; `smirnovSurvival(n, x)` = scipy.special.smirnov, Pr(Dₙ⁺ ≥ x). The two-sided finite-n
 * distribution (kstwo) in kolmogn.ts uses 2·smirnov for its upper tail, which is where small KS p-values come from.
 */
import { CompensatedSum } from "../input";

/** Below this x the limiting survival function is 1 to double precision (Cephes: π / √(−MIN_EXPABLE·8)). */
const KOLMOGOROV_TINY = Math.PI / Math.sqrt(746 * 8);
/** Switch between the two theta-function series (Cephes' KOLMOG_CUTOVER). */
const KOLMOGOROV_CUTOVER = 0.82;

/**
 * Kolmogorov's limiting survival function K̄(x) = 2 Σ_{k≥1} (−1)^{k−1} e^{−2k²x²}, scipy.special.kolmogorov. For
 * x ≤ 0.82 the alternating series converges slowly, so (like Cephes) the CDF comes from Jacobi's transformed series
 * √(2π)/x Σ e^{−(2k−1)²π²/(8x²)} and the survival function is 1 − CDF; above, four terms of the direct series suffice.
 */
export function kolmogorov(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x <= KOLMOGOROV_TINY) return 1;
  if (x <= KOLMOGOROV_CUTOVER) {
    const w = Math.sqrt(2 * Math.PI) / x;
    const logu8 = (-Math.PI * Math.PI) / (x * x);
    const u = Math.exp(logu8 / 8);
    let cdf: number;
    if (u === 0) cdf = Math.exp(logu8 / 8 + Math.log(w));
    else {
      const u8 = Math.exp(logu8);
      let p = 1;
      p = 1 + Math.pow(u8, 3) * p;
      p = 1 + u8 * u8 * p;
      p = 1 + u8 * p;
      cdf = w * u * p;
    }
    return clip(1 - cdf);
  }
  const v = Math.exp(-2 * x * x);
  const v3 = Math.pow(v, 3);
  let p = 1;
  p = 1 - v3 * v3 * v * p;
  p = 1 - v3 * v * v * p;
  p = 1 - v3 * p;
  return clip(2 * v * p);
}

function clip(p: number): number {
  return p < 0 ? 0 : p > 1 ? 1 : p;
}

/** Cephes' MINLOG with denormals: log(2^−1075). */
const MINLOG = -7.451332191019412076235e2;
/** Above this n, Cephes stops summing and uses the e^{−(6nx+1)²/(18n)} approximation. */
const SMIRNOV_MAX_COMPUTE_N = 1000000;

/** a·b as an unevaluated sum hi + lo (Dekker's exact product), so n·x and its fractional part are exact. */
function twoProduct(a: number, b: number): [number, number] {
  const p = a * b;
  const split = (v: number): [number, number] => {
    const c = 134217729 * v; // 2^27 + 1
    const hi = c - (c - v);
    return [hi, v - hi];
  };
  const [ah, al] = split(a);
  const [bh, bl] = split(b);
  const err = ah * bh - p + ah * bl + al * bh + al * bl;
  return [p, err];
}

/**
 * Pr(Dₙ⁺ ≥ x), the one-sided Smirnov survival function (scipy.special.smirnov), by the Birnbaum–Tingey sum
 *   x · Σ_{v=0}^{⌊n(1−x)⌋} C(n,v) (x + v/n)^{v−1} (1 − x − v/n)^{n−v},
 * whose terms are all positive, so summing them loses nothing. Each term is formed in log space (it under- or
 * overflows otherwise), with n·x carried exactly so the bases x + v/n and 1 − x − v/n lose no digits near 0. The
 * relative error grows like n·2⁻⁵², about 1e-12 at n = 10⁴. Cephes uses double-double arithmetic instead; the
 * results agree to that error. Cephes' own special cases (x ≤ 1/n, x ≥ 1 − 1/n, n > 10⁶) are kept as it has them.
 */
export function smirnovSurvival(n: number, x: number): number {
  if (!(n > 0 && Number.isInteger(n) && x >= 0 && x <= 1)) return NaN;
  if (n === 1) return 1 - x;
  if (x === 0) return 1;
  if (x === 1) return 0;
  const [nxHi, nxLo] = twoProduct(n, x);
  let nxFloor = Math.floor(nxHi);
  let alpha = nxHi - nxFloor + nxLo;
  if (alpha < 0) (nxFloor -= 1), (alpha += 1);
  if (alpha >= 1) (nxFloor += 1), (alpha -= 1);
  if (nxFloor === 0 || (nxFloor === 1 && alpha === 0)) return 1 - x * Math.pow(1 + x, n - 1);
  if (-2 * n * x * x < MINLOG) return 0;
  if (nxFloor >= n - 1) return Math.pow(1 - x, n);
  if (n > SMIRNOV_MAX_COMPUTE_N) {
    const logp = -Math.pow(6 * n * x + 1, 2) / 18 / n;
    return logp < -Math.LN2 ? Math.exp(logp) : 1 + Math.expm1(logp);
  }
  // The sum runs to ⌊n(1 − x)⌋ = n − ⌈nx⌉; when nx is an integer that last term has base 1 − x − v/n = 0 and is
  // left out (as Cephes does), so either way the last v is n − ⌊nx⌋ − 1.
  const last = n - nxFloor - 1;
  const sum = new CompensatedSum();
  let logBinomial = 0; // log C(n, v), built up term by term
  const logBinomialSum = new CompensatedSum();
  for (let v = 0; v <= last; v++) {
    if (v > 0) {
      logBinomialSum.add(Math.log((n - v + 1) / v));
      logBinomial = logBinomialSum.value;
    }
    // x + v/n = (nx + v)/n and 1 − x − v/n = (n − v − nx)/n, with nx = nxFloor + alpha exactly.
    const up = (nxFloor + v + alpha) / n;
    const down = (n - v - nxFloor - alpha) / n;
    const logTerm = logBinomial + (v - 1) * Math.log(up) + (n - v) * Math.log(down);
    const term = Math.exp(logTerm);
    sum.add(term);
    // Cephes' stopping rule: the remaining terms cannot change the sum.
    if (term > 0 && 4 * (last - v) * term < 2.220446049250313e-16 * sum.value && v !== last) break;
    if (term === 0 && v > n / 2) break;
  }
  return clip(x * sum.value);
}
