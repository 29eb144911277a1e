/**
 * A small seeded random stream for LIME's perturbations: xoshiro128** (Blackman & Vigna) seeded through splitmix32,
 * doubles with 53 random bits, standard normals by Box–Muller, and truncated normals by Robert's (1995) rejection
 * samplers. lime itself draws from numpy's Mersenne Twister and scipy's `truncnorm`; that stream cannot be reproduced
 * here, so the same seed gives the same sample in this package only, on every platform and Node version.
 */

/** splitmix32: spreads one 32-bit seed over the four words of xoshiro's state (never all zero). */
function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class LimeRandom {
  private readonly s = new Uint32Array(4);
  private spare: number | null = null;

  /** `seed`: any integer (taken modulo 2³²). */
  constructor(seed: number) {
    const next = splitmix32(Math.trunc(seed));
    for (let i = 0; i < 4; i++) this.s[i] = next();
  }

  /** The next 32 random bits, as an unsigned integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1]! << 9) >>> 0;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** A double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A double in (0, 1]: safe under `Math.log`. */
  uniformPositive(): number {
    return 1 - this.uniform();
  }

  /** A standard normal draw (Box–Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return z;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniformPositive()));
    const theta = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** An index i drawn with probability (cumulative[i] − cumulative[i−1]) / cumulative[last]: running sums of weights ≥ 0, the last > 0. */
  choice(cumulative: ArrayLike<number>): number {
    const total = cumulative[cumulative.length - 1]!;
    const r = this.uniform() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /**
   * A standard normal draw conditioned on a ≤ z ≤ b (a < b, both finite), as scipy's `truncnorm(a, b)` draws it in
   * distribution. Robert (1995), "Simulation of truncated normal variables": plain normal rejection for wide intervals
   * around 0, a uniform proposal for narrow ones, a translated exponential proposal in a tail.
   */
  truncatedNormal(a: number, b: number): number {
    if (!(a < b)) return a;
    if (a <= 0 && b >= 0) {
      if (b - a >= 2.5) {
        for (;;) {
          const z = this.normal();
          if (z >= a && z <= b) return z;
        }
      }
      for (;;) {
        const z = a + (b - a) * this.uniform();
        if (this.uniform() <= Math.exp((-z * z) / 2)) return z;
      }
    }
    return a > 0 ? this.tail(a, b) : -this.tail(-b, -a);
  }

  /** z ~ N(0,1) conditioned on 0 < a ≤ z ≤ b. */
  private tail(a: number, b: number): number {
    if ((b - a) * Math.max(a, 1) <= 1 || (a < 1 && b - a <= 2.5)) {
      for (;;) {
        const z = a + (b - a) * this.uniform();
        // exp((a² − z²) / 2), written so that huge a and z do not cancel
        if (this.uniform() <= Math.exp(((a - z) * (a + z)) / 2)) return z;
      }
    }
    const alpha = (a + Math.sqrt(a * a + 4)) / 2;
    for (;;) {
      const z = a - Math.log(this.uniformPositive()) / alpha;
      if (z > b) continue;
      const d = z - alpha;
      if (this.uniform() <= Math.exp((-d * d) / 2)) return z;
    }
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
