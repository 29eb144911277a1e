#!/usr/bin/python3
"""Reference values for src/metrics/fairness.ts: fixed, seeded groups and outcomes, and OpenScale's fairness figures.

Writes test/reference/fairness-metrics.json; test/unit/fairness-metrics.test.ts checks featureFairness against it.
Run with Debian's Python (numpy): /usr/bin/python3 test/reference/fairness_metrics.py

The definitions (IBM, "Calculating fairness"; AIF360 `ClassificationMetric.disparate_impact` and
`statistical_parity_difference`, with the monitored group as AIF360's unprivileged group):
  fav%(G) = 100 * favourable(G) / (favourable(G) + unfavourable(G))   (rows of other classes are not counted)
  fairness_value(v) = fav%(monitored value v) / fav%(all reference rows);  is_biased = fairness_value < threshold
  statistical parity difference = (fav%(all monitored rows) - fav%(all reference rows)) / 100
They are computed here with numpy boolean masks, independently of the TypeScript single-pass counting.
AIF360 itself cannot be installed here (no PyPI); for binary outcomes without other classes its disparate impact
is the same ratio (P(fav | unprivileged) / P(fav | privileged)), which the IBM example below also checks.
"""
import json
import os

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fairness-metrics.json")


def rate(mask, outcomes, grouped):
    fav = int(np.sum(mask & (outcomes == 1)))
    unfav = int(np.sum(mask & (outcomes == 0)))
    records = int(np.sum(mask))
    return {
        "records": records,
        "favourable": fav,
        "unfavourable": unfav,
        "fav_class_percent": None if fav + unfav == 0 else 100.0 * fav / (fav + unfav),
        "rows_percent": None if grouped == 0 else 100.0 * records / grouped,
    }


def monitored(r, reference, threshold):
    fv = None if r["fav_class_percent"] is None or reference is None or reference == 0 else r["fav_class_percent"] / reference
    return dict(r, fairness_value=fv, is_biased=None if fv is None else bool(fv < threshold))


def expected(groups, outcomes, majority_values, minority_values, threshold):
    groups = np.asarray(groups)
    outcomes = np.asarray(outcomes)
    grouped = int(np.sum(groups >= 0))
    majority_mask = (groups >= 0) & (groups < majority_values)
    minority_mask = groups >= majority_values
    majority_total = rate(majority_mask, outcomes, grouped)
    reference = majority_total["fav_class_percent"]
    minority_total = monitored(rate(minority_mask, outcomes, grouped), reference, threshold)
    return {
        "majority": {"values": [rate(groups == g, outcomes, grouped) for g in range(majority_values)], "total": majority_total},
        "minority": {
            "values": [monitored(rate(groups == majority_values + j, outcomes, grouped), reference, threshold) for j in range(minority_values)],
            "total": minority_total,
        },
        "statistical_parity_difference": None
        if minority_total["fav_class_percent"] is None or reference is None
        else (minority_total["fav_class_percent"] - reference) / 100.0,
    }


def case(name, groups, outcomes, majority_values, minority_values, threshold):
    return {
        "name": name,
        "groups": [int(g) for g in groups],
        "outcomes": [int(o) for o in outcomes],
        "majority_values": majority_values,
        "minority_values": minority_values,
        "threshold": threshold,
        "expected": expected(groups, outcomes, majority_values, minority_values, threshold),
    }


def main():
    rng = np.random.default_rng(20261202)
    cases = []
    # IBM's worked example in the history data: 48 of 100 rows male with 76 % favourable, female 72 %.
    groups = np.array([0] * 50 + [1] * 50)
    outcomes = np.array([1] * 38 + [0] * 12 + [1] * 36 + [0] * 14)
    cases.append(case("ibm history example (0.947 < 0.98)", groups, outcomes, 1, 1, 0.98))
    # Sex: one reference and one monitored value, biased outcomes, some rows in neither group.
    n = 1000
    groups = rng.choice([0, 1, -1], size=n, p=[0.6, 0.35, 0.05])
    outcomes = np.where(rng.random(n) < np.where(groups == 1, 0.55, 0.7), 1, 0)
    cases.append(case("binary attribute, biased", groups, outcomes, 1, 1, 0.95))
    # Age-like: two reference ranges, three monitored ranges, a multiclass model with a third class.
    n = 5000
    groups = rng.choice([0, 1, 2, 3, 4, -1], size=n, p=[0.4, 0.2, 0.15, 0.15, 0.05, 0.05])
    outcomes = rng.choice([1, 0, -1], size=n, p=[0.6, 0.3, 0.1])
    cases.append(case("several values, other classes", groups, outcomes, 2, 3, 0.8))
    # A monitored value with no rows in the window, and one whose rows are all of another class.
    groups = np.array([0] * 30 + [1] * 20 + [3] * 5)
    outcomes = np.array([1] * 20 + [0] * 10 + [1] * 5 + [0] * 15 + [-1] * 5)
    cases.append(case("monitored value without rows", groups, outcomes, 2, 2, 0.9))
    # The reference group is never favourable: no ratio.
    groups = np.array([0] * 10 + [1] * 10)
    outcomes = np.array([0] * 10 + [1] * 4 + [0] * 6)
    cases.append(case("reference never favourable", groups, outcomes, 1, 1, 0.8))
    # Fairness above 1: the monitored group is favoured.
    groups = rng.choice([0, 1], size=400, p=[0.5, 0.5])
    outcomes = np.where(rng.random(400) < np.where(groups == 1, 0.9, 0.6), 1, 0)
    cases.append(case("monitored group favoured", groups, outcomes, 1, 1, 0.95))
    with open(OUT, "w") as f:
        json.dump({"numpy_version": np.__version__, "cases": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
