#!/usr/bin/python3
"""Reference values for src/metrics/drift/: fixed, seeded samples and SciPy's drift statistics on them.

Writes test/reference/drift-metrics.json; test/unit/drift-metrics.test.ts checks the TypeScript against it.
Run with Debian's Python (numpy, scipy): /usr/bin/python3 test/reference/drift_metrics.py

How each expected value is computed (Evidently's code paths, from evidentlyai/evidently
src/evidently/legacy/calculations/stattests/*.py, re-typed here with numpy because Evidently and pandas are not
installed; the statistics themselves are SciPy's):
  ks            scipy.stats.ks_2samp(ref, cur) with method auto, exact (when max(n) <= 10000) and asymp
  chisquare     scipy.stats.chisquare(cur counts, ref counts * n_cur / n_ref) over the categories of both samples
  z             Evidently's proportions_diff_z_stat_ind (first sorted category -> 0, others -> 1), p = 2*norm.sf(|z|)
                (Evidently writes 2*(1 - norm.cdf(|z|)); both are stored, the first is what the TypeScript returns)
  jensenshannon scipy.spatial.distance.jensenshannon on Evidently's get_binned_data(feel_zeroes=False), base 2 and e
  psi           this toolkit's definition: reference deciles (np.quantile, linear), bins (-inf, q1], ..., (q9, inf),
                zero shares -> 1e-4; and Evidently's (Sturges bins over both samples, its zero rule)
  wasserstein   scipy.stats.wasserstein_distance(ref, cur) / max(np.std(ref), 0.001)
  auto          Evidently's registry._get_default_stattest (distinct values of both samples, reference size 1000)

Data are stored so the JSON stays small: raw values for small samples; for large ones either integer values as
counts on their support (the test expands them), or a formula the test re-evaluates with the same IEEE operations
(value = scale * (i / n) [** 2] + shift, i = 0..n-1).
"""
import json
import os

import numpy as np
import scipy
from scipy import stats
from scipy.spatial import distance

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "drift-metrics.json")


def binned_evidently(ref, cur, numeric, feel_zeroes):
    """Evidently's get_binned_data (utils.py), with np.unique in place of pandas' nunique/value_counts."""
    if numeric and len(np.unique(ref)) > 20:
        bins = np.histogram_bin_edges(np.concatenate([ref, cur]), bins="sturges")
        r = np.histogram(ref, bins)[0] / len(ref)
        c = np.histogram(cur, bins)[0] / len(cur)
    else:
        keys = sorted(set(ref.tolist()) | set(cur.tolist()))
        r = np.array([np.sum(ref == k) / len(ref) for k in keys])
        c = np.array([np.sum(cur == k) / len(cur) for k in keys])
    if feel_zeroes:
        for a in (r, c):
            m = min(a[a != 0])
            np.place(a, a == 0, m / 10**6 if m <= 0.0001 else 0.0001)
    return r, c


def chisquare_evidently(ref, cur):
    keys = sorted(set(ref.tolist()) | set(cur.tolist()))
    k_norm = cur.shape[0] / ref.shape[0]
    f_exp = [np.sum(ref == k) * k_norm for k in keys]
    f_obs = [np.sum(cur == k) for k in keys]
    if len(keys) < 2:
        return None
    with np.errstate(divide="ignore"):
        res = stats.chisquare(f_obs, f_exp)
    # A current category the reference lacks: f_exp = 0, chi2 = inf (JSON has no Infinity: stored as "inf").
    return {"statistic": "inf" if np.isinf(res[0]) else float(res[0]), "pvalue": float(res[1])}


def z_evidently(ref, cur):
    keys = sorted(set(ref.tolist()) | set(cur.tolist()))
    if len(keys) == 1:
        return {"statistic": 0.0, "pvalue": 1.0, "pvalue_evidently": 1.0}
    r = (ref != keys[0]).astype(float)
    c = (cur != keys[0]).astype(float)
    n1, n2 = len(r), len(c)
    p1, p2 = float(sum(r)) / n1, float(sum(c)) / n2
    P = float(p1 * n1 + p2 * n2) / (n1 + n2)
    z = (p1 - p2) / np.sqrt(P * (1 - P) * (1.0 / n1 + 1.0 / n2))
    return {"statistic": float(z), "pvalue": float(min(1.0, 2 * stats.norm.sf(abs(z)))), "pvalue_evidently": float(2 * (1 - stats.norm.cdf(abs(z))))}


def psi_quantile(ref, cur, bins=10, eps=1e-4):
    edges = np.unique(np.quantile(ref, np.arange(1, bins) / bins))
    r = np.bincount(np.searchsorted(edges, ref, side="left"), minlength=len(edges) + 1) / len(ref)
    c = np.bincount(np.searchsorted(edges, cur, side="left"), minlength=len(edges) + 1) / len(cur)
    r = np.where(r == 0, eps, r)
    c = np.where(c == 0, eps, c)
    return float(np.sum((r - c) * np.log(r / c))), edges.tolist()


def psi_evidently(ref, cur, numeric):
    r, c = binned_evidently(ref, cur, numeric, True)
    return float(np.sum((r - c) * np.log(r / c)))


def auto_choice(ref, cur, numeric):
    n_values = len(np.unique(np.concatenate([ref, cur])))
    if len(ref) <= 1000:
        if numeric and n_values > 5:
            return "ks"
        return "chisquare" if n_values > 2 else "z"
    if numeric and n_values > 5:
        return "wasserstein"
    return "jensenshannon"


def numeric_expected(ref, cur):
    out = {}
    auto = stats.ks_2samp(ref, cur)
    out["ks_auto"] = {"statistic": float(auto.statistic), "pvalue": float(auto.pvalue)}
    out["ks_auto_method"] = "exact" if max(len(ref), len(cur)) <= 10000 else "asymp"
    asymp = stats.ks_2samp(ref, cur, method="asymp")
    out["ks_asymp"] = {"statistic": float(asymp.statistic), "pvalue": float(asymp.pvalue)}
    w = stats.wasserstein_distance(ref, cur)
    std = float(np.std(ref))
    out["wasserstein"] = float(w)
    out["std_reference"] = std
    out["wasserstein_norm"] = float(w / max(std, 0.001))
    r, c = binned_evidently(ref, cur, True, False)
    out["jensenshannon_base2"] = float(distance.jensenshannon(r, c, 2.0))
    out["jensenshannon_base_e"] = float(distance.jensenshannon(r, c))
    out["psi_quantile"], out["psi_quantile_edges"] = psi_quantile(ref, cur)
    out["psi_evidently"] = psi_evidently(ref, cur, True)
    out["distinct"] = int(len(np.unique(np.concatenate([ref, cur]))))
    out["auto"] = auto_choice(ref, cur, True)
    if out["distinct"] <= 50:
        out["chisquare"] = chisquare_evidently(ref, cur)
        out["z"] = z_evidently(ref, cur)
    return out


def categorical_expected(ref, cur):
    r, c = binned_evidently(ref, cur, False, False)
    return {
        "chisquare": chisquare_evidently(ref, cur),
        "z": z_evidently(ref, cur),
        "jensenshannon_base2": float(distance.jensenshannon(r, c, 2.0)),
        "jensenshannon_base_e": float(distance.jensenshannon(r, c)),
        "psi_epsilon": float(np.sum((np.where(r == 0, 1e-4, r) - np.where(c == 0, 1e-4, c)) * np.log(np.where(r == 0, 1e-4, r) / np.where(c == 0, 1e-4, c)))),
        "psi_evidently": psi_evidently(ref, cur, False),
        "distinct": int(len(set(ref.tolist()) | set(cur.tolist()))),
        "auto": auto_choice(ref, cur, False),
    }


def as_counts(ref, cur):
    support = np.unique(np.concatenate([ref, cur]))
    return {
        "support": support.tolist(),
        "reference_counts": [int(np.sum(ref == s)) for s in support],
        "current_counts": [int(np.sum(cur == s)) for s in support],
    }


def formula(n, scale, shift, square):
    x = np.arange(n) / n
    if square:
        x = x * x
    return scale * x + shift


def main():
    rng = np.random.default_rng(20240612)
    cases = []

    def raw(name, ref, cur):
        cases.append({"name": name, "kind": "numeric", "data": {"reference": ref.tolist(), "current": cur.tolist()}, "expected": numeric_expected(ref, cur)})

    def counted(name, ref, cur):
        cases.append({"name": name, "kind": "numeric", "data": as_counts(ref, cur), "expected": numeric_expected(ref, cur)})

    def formulas(name, a, b):
        ref, cur = formula(*a), formula(*b)
        cases.append({"name": name, "kind": "numeric", "data": {"reference_formula": a, "current_formula": b}, "expected": numeric_expected(ref, cur)})

    raw("30/45 normal, no shift", np.round(rng.normal(0, 1, 30), 4), np.round(rng.normal(0, 1, 45), 4))
    raw("30/45 normal, shifted 0.8", np.round(rng.normal(0, 1, 30), 4), np.round(rng.normal(0.8, 1, 45), 4))
    raw("40/40 equal sizes, shifted 0.5", np.round(rng.normal(0, 1, 40), 4), np.round(rng.normal(0.5, 1, 40), 4))
    raw("30/45 integers 0..9 (ties)", rng.integers(0, 10, 30).astype(float), rng.integers(0, 10, 45).astype(float))
    raw("500/700 normal, no shift", np.round(rng.normal(10, 2, 500), 4), np.round(rng.normal(10, 2, 700), 4))
    raw("500/700 normal, shifted 0.3 sd", np.round(rng.normal(10, 2, 500), 4), np.round(rng.normal(10.6, 2, 700), 4))
    raw("500/700 lognormal vs scaled", np.round(rng.lognormal(0, 0.5, 500), 4), np.round(rng.lognormal(0.1, 0.6, 700), 4))
    raw("600/400 three values (auto chisquare)", rng.choice([1.0, 2.0, 3.0], 600, p=[0.5, 0.3, 0.2]), rng.choice([1.0, 2.0, 3.0], 400, p=[0.4, 0.3, 0.3]))
    raw("300/200 two values (auto z)", rng.choice([0.0, 1.0], 300, p=[0.7, 0.3]), rng.choice([0.0, 1.0], 200, p=[0.6, 0.4]))
    counted("3000/2500 integers (ties), no shift", np.round(rng.normal(50, 8, 3000)), np.round(rng.normal(50, 8, 2500)))
    counted("3000/2500 integers (ties), shifted", np.round(rng.normal(50, 8, 3000)), np.round(rng.normal(52, 9, 2500)))
    counted("2000/3000 four values (auto jensenshannon)", rng.choice([0.0, 1.0, 2.0, 5.0], 2000, p=[0.4, 0.3, 0.2, 0.1]), rng.choice([0.0, 1.0, 2.0, 5.0], 3000, p=[0.3, 0.3, 0.3, 0.1]))
    counted("20000/15000 integers (ties), no shift", np.round(rng.normal(0, 20, 20000)), np.round(rng.normal(0, 20, 15000)))
    counted("20000/15000 integers (ties), shifted", np.round(rng.normal(0, 20, 20000)), np.round(rng.normal(1.5, 20, 15000)))
    counted("50/20000 integers (asymptotic with n <= 140)", np.round(rng.normal(0, 5, 50)), np.round(rng.normal(1, 5, 20000)))
    formulas("3000/2500 grid, no ties, shifted", [3000, 1.0, 0.0, False], [2500, 1.0, 0.03, False])
    formulas("3000/3000 grid, equal sizes, shifted", [3000, 1.0, 0.0, False], [3000, 1.0, 0.02, False])
    formulas("10000/9999 grid, small shift", [10000, 1.0, 0.0, False], [9999, 1.0, 0.01, False])
    formulas("20000/15000 grid, no ties, no shift", [20000, 1.0, 0.0, False], [15000, 1.0, 0.0001, False])
    formulas("20000/15000 grid, shifted", [20000, 1.0, 0.0, False], [15000, 1.02, 0.005, False])
    formulas("20000/15000 grid vs squared grid", [20000, 1.0, 0.0, False], [15000, 1.0, 0.0, True])

    def categorical(name, ref, cur, store_counts=False):
        ref = np.array(ref, dtype=object)
        cur = np.array(cur, dtype=object)
        if store_counts:
            keys = sorted(set(ref.tolist()) | set(cur.tolist()))
            data = {"categories": keys, "reference_counts": [int(np.sum(ref == k)) for k in keys], "current_counts": [int(np.sum(cur == k)) for k in keys]}
        else:
            data = {"reference": ref.tolist(), "current": cur.tolist()}
        cases.append({"name": name, "kind": "categorical", "data": data, "expected": categorical_expected(ref, cur)})

    letters = ["a", "b", "c", "d", "e"]
    categorical("categorical 200/150, no shift", rng.choice(letters, 200, p=[0.3, 0.25, 0.2, 0.15, 0.1]), rng.choice(letters, 150, p=[0.3, 0.25, 0.2, 0.15, 0.1]))
    categorical("categorical 200/150, shifted", rng.choice(letters, 200, p=[0.3, 0.25, 0.2, 0.15, 0.1]), rng.choice(letters, 150, p=[0.1, 0.15, 0.2, 0.25, 0.3]))
    categorical("categorical 5000/4000 (auto jensenshannon), shifted", rng.choice(letters, 5000, p=[0.3, 0.25, 0.2, 0.15, 0.1]), rng.choice(letters, 4000, p=[0.25, 0.25, 0.2, 0.2, 0.1]), True)
    categorical("categorical, a category missing from current", rng.choice(letters, 300), rng.choice(letters[:4], 250))
    categorical("binary 400/300 (auto z), shifted", rng.choice(["no", "yes"], 400, p=[0.8, 0.2]), rng.choice(["no", "yes"], 300, p=[0.7, 0.3]))
    categorical("binary 100000/100000 (auto jensenshannon)", rng.choice(["no", "yes"], 100000, p=[0.8, 0.2]), rng.choice(["no", "yes"], 100000, p=[0.79, 0.21]), True)
    categorical("binary, strong shift (tiny p-value)", ["no"] * 900 + ["yes"] * 100, ["no"] * 300 + ["yes"] * 700)

    # Special functions on their own, over the ranges the tests use.
    special = {"kolmogorov": [], "kstwo_sf": [], "chi2_sf": [], "norm_sf": []}
    for x in [0.05, 0.2, 0.5, 0.82, 0.83, 1.0, 1.36, 2.0, 3.0, 6.0]:
        special["kolmogorov"].append([x, float(scipy.special.kolmogorov(x))])
    for n in [3, 10, 50, 140, 141, 500, 8571, 60000, 150000]:
        for x in sorted({1.5 / n, 0.03, 0.1, 0.3, 0.6, float(np.sqrt(0.6 / n)), float(np.sqrt(3 / n)), float(np.sqrt(30 / n)), float((1.2 / n) ** (2 / 3))}):
            if 0.5 / n < x < 1:
                special["kstwo_sf"].append([n, x, float(stats.kstwo.sf(x, n))])
    for df in [1, 2, 4, 9, 30, 199]:
        for x in [0.01, 0.5, df * 0.8, df, df + 2.0, df * 2.0 + 5, df * 5.0 + 40]:
            special["chi2_sf"].append([x, df, float(stats.chi2.sf(x, df))])
    for z in [-3.0, -0.5, 0.0, 0.25, 1.0, 1.959964, 3.5, 6.0, 9.0, 15.0, 30.0]:
        special["norm_sf"].append([z, float(stats.norm.sf(z))])

    doc = {"numpy_version": np.__version__, "scipy_version": scipy.__version__, "special": special, "cases": cases}
    with open(OUT, "w") as f:
        json.dump(doc, f, separators=(",", ":"), allow_nan=False)
    print(f"wrote {OUT}: {len(cases)} cases, {os.path.getsize(OUT)} bytes")


if __name__ == "__main__":
    main()
