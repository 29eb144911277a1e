/**
 * pandas `Series.describe()` of numbers: count, mean, std (n − 1 in the denominator), min, the 25/50/75 % quantiles
 * (linear interpolation, numpy's default) and max. Nulls and NaN are not counted; with no values all but count are null.
 */
export const DESCRIBE_STATISTICS = ["count", "mean", "std", "min", "25%", "50%", "75%", "max"] as const;

export function describeNumbers(values: readonly (number | null | undefined)[]): (number | null)[] {
  const xs = values.filter((v): v is number => typeof v === "number" && !Number.isNaN(v)).sort((a, b) => a - b);
  const n = xs.length;
  if (n === 0) return [0, null, null, null, null, null, null, null];
  let mean = 0;
  for (let i = 0; i < n; i++) mean += (xs[i]! - mean) / (i + 1);
  let squares = 0;
  for (const x of xs) squares += (x - mean) ** 2;
  const quantile = (q: number) => {
    const at = (n - 1) * q;
    const lo = Math.floor(at);
    const hi = Math.min(lo + 1, n - 1);
    return xs[lo]! + (xs[hi]! - xs[lo]!) * (at - lo);
  };
  return [n, mean, n > 1 ? Math.sqrt(squares / (n - 1)) : null, xs[0]!, quantile(0.25), quantile(0.5), quantile(0.75), xs[n - 1]!];
}
