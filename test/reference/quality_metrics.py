#!/usr/bin/python3
"""Reference values for src/metrics: fixed, seeded data and every quality metric computed with scikit-learn.

Writes test/reference/quality-metrics.json (the data and the expected values); test/unit/quality-metrics.test.ts
checks our functions against it. Run with a Python that has scikit-learn, e.g. Debian 12's python3-sklearn (1.2.1):

    /usr/bin/python3 test/reference/quality_metrics.py

Where our definition differs from what scikit-learn does, the expected value is ours and `sklearn_differs` records
sklearn's (it is only average precision with no positive labels: sklearn 1.2 warns and returns 0; we return null).
weighted_false_positive_rate is Spark MLlib's MulticlassMetrics.weightedFalsePositiveRate; scikit-learn has no such
function, so it is computed here from sklearn's confusion matrix.
"""
import json
import os
import warnings

import numpy as np
import sklearn
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    confusion_matrix,
    explained_variance_score,
    f1_score,
    log_loss,
    mean_absolute_error,
    mean_squared_error,
    precision_score,
    r2_score,
    recall_score,
    roc_auc_score,
)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "quality-metrics.json")


def ratio_or_zero(numerator, denominator):
    return float(numerator) / float(denominator) if denominator else 0.0


def confusion(actual, predicted, k):
    labels = list(range(k))
    return {
        "values": confusion_matrix(actual, predicted, labels=labels).tolist(),
        "recall_per_label": recall_score(actual, predicted, labels=labels, average=None, zero_division=0).tolist(),
        "precision_per_label": precision_score(actual, predicted, labels=labels, average=None, zero_division=0).tolist(),
    }


def weighted_false_positive_rate(actual, predicted, k):
    """Spark's weightedFalsePositiveRate: Σ_c (support_c / n) · FP_c / (FP_c + TN_c), 0/0 counted as 0."""
    cm = confusion_matrix(actual, predicted, labels=list(range(k)))
    n = cm.sum()
    total = 0.0
    for c in range(k):
        support = cm[c, :].sum()
        if support == 0:
            continue
        fp = cm[:, c].sum() - cm[c, c]
        tn = n - support - cm[:, c].sum() + cm[c, c]
        total += (support / n) * ratio_or_zero(fp, fp + tn)
    return float(total)


def binary_case(name, labels, scores, predictions):
    labels = labels.astype(np.uint8)
    predictions = predictions.astype(np.uint8)
    scores = scores.astype(np.float64)
    expected, differs = {}, {}
    try:
        expected["area_under_roc"] = float(roc_auc_score(labels, scores))
    except ValueError:  # only one class present
        expected["area_under_roc"] = None
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        ap = float(average_precision_score(labels, scores))
    if labels.sum() == 0:
        expected["area_under_pr"] = None
        differs["area_under_pr"] = ap
    else:
        expected["area_under_pr"] = ap
    (tn, fp), (fn, tp) = confusion_matrix(labels, predictions, labels=[0, 1]).tolist()
    expected["accuracy"] = float(accuracy_score(labels, predictions))
    expected["true_positive_rate"] = float(recall_score(labels, predictions, zero_division=0))
    expected["false_positive_rate"] = ratio_or_zero(fp, fp + tn)
    expected["recall"] = expected["true_positive_rate"]
    expected["precision"] = float(precision_score(labels, predictions, zero_division=0))
    expected["f1_measure"] = float(f1_score(labels, predictions, zero_division=0))
    expected["log_loss"] = float(log_loss(labels, scores, labels=[0, 1]))
    return {
        "name": name,
        "labels": labels.tolist(),
        "scores": scores.tolist(),
        "predictions": predictions.tolist(),
        "expected": expected,
        "expected_counts": {"true_positives": tp, "false_positives": fp, "true_negatives": tn, "false_negatives": fn},
        "expected_confusion_matrix": confusion(labels, predictions, 2),
        "sklearn_differs": differs,
    }


def multiclass_case(name, actual, predicted, probabilities, k):
    labels = list(range(k))
    expected = {
        "accuracy": float(accuracy_score(actual, predicted)),
        "weighted_true_positive_rate": float(recall_score(actual, predicted, labels=labels, average="weighted", zero_division=0)),
        "weighted_false_positive_rate": weighted_false_positive_rate(actual, predicted, k),
        "weighted_recall": float(recall_score(actual, predicted, labels=labels, average="weighted", zero_division=0)),
        "weighted_precision": float(precision_score(actual, predicted, labels=labels, average="weighted", zero_division=0)),
        "weighted_f_measure": float(f1_score(actual, predicted, labels=labels, average="weighted", zero_division=0)),
        "log_loss": float(log_loss(actual, probabilities, labels=labels)),
    }
    return {
        "name": name,
        "class_count": k,
        "actual": actual.astype(np.int32).tolist(),
        "predicted": predicted.astype(np.int32).tolist(),
        "probabilities": probabilities.astype(np.float64).ravel().tolist(),
        "expected": expected,
        "expected_confusion_matrix": confusion(actual, predicted, k),
    }


def regression_case(name, actual, predicted):
    expected = {
        "r2": float(r2_score(actual, predicted)),
        "mean_absolute_error": float(mean_absolute_error(actual, predicted)),
        "mean_squared_error": float(mean_squared_error(actual, predicted)),
        "root_mean_squared_error": float(mean_squared_error(actual, predicted, squared=False)),
        "explained_variance": float(explained_variance_score(actual, predicted)),
    }
    return {"name": name, "actual": actual.tolist(), "predicted": predicted.tolist(), "expected": expected}


def binary_cases(rng):
    cases = []
    # Scores on a 0.05 grid: many ties across classes, including exact 0 and 1 on both classes.
    n = 400
    labels = (rng.random(n) < 0.4).astype(np.uint8)
    scores = np.clip(np.round(rng.normal(0.35 + 0.3 * labels, 0.25) / 0.05) * 0.05, 0, 1)
    scores[:4] = [0.0, 1.0, 0.0, 1.0]
    labels[:4] = [1, 0, 0, 1]  # a confident miss each way, and a confident hit each way
    predictions = (scores >= 0.5).astype(np.uint8)
    flip = rng.random(n) < 0.05
    predictions[flip] ^= 1
    cases.append(binary_case("ties_and_extremes", labels, scores, predictions))
    # Continuous scores: no ties.
    n = 300
    labels = (rng.random(n) < 0.3).astype(np.uint8)
    scores = np.where(labels == 1, rng.beta(4, 2, n), rng.beta(2, 4, n))
    cases.append(binary_case("continuous", labels, scores, (scores >= 0.5).astype(np.uint8)))
    # Three score values only: every threshold mixes both classes.
    n = 300
    labels = (rng.random(n) < 0.5).astype(np.uint8)
    scores = rng.choice([0.0, 0.5, 1.0], n, p=[0.3, 0.4, 0.3])
    scores[labels == 1] = rng.choice([0.0, 0.5, 1.0], int(labels.sum()), p=[0.2, 0.3, 0.5])
    cases.append(binary_case("three_score_values", labels, scores, (scores >= 0.5).astype(np.uint8)))
    # One class only: ROC AUC undefined (sklearn raises); average precision undefined without positives.
    n = 200
    scores = rng.random(n)
    cases.append(binary_case("all_negative", np.zeros(n, np.uint8), scores, (scores >= 0.7).astype(np.uint8)))
    cases.append(binary_case("all_positive", np.ones(n, np.uint8), scores, (scores >= 0.3).astype(np.uint8)))
    # Nothing predicted positive: precision and F1 are 0/0, reported as 0.
    n = 250
    labels = (rng.random(n) < 0.35).astype(np.uint8)
    scores = np.clip(rng.normal(0.25 + 0.1 * labels, 0.1), 0, 0.49)
    cases.append(binary_case("no_positive_predictions", labels, scores, np.zeros(n, np.uint8)))
    return cases


def multiclass_cases(rng):
    cases = []
    # Three classes; probabilities rounded to 3 decimals (rows need not sum to 1), some one-hot rows (exact 0 and 1).
    n, k = 300, 3
    actual = rng.choice(k, n, p=[0.5, 0.3, 0.2])
    concentration = np.ones((n, k)) + 3 * np.eye(k)[actual]
    probabilities = np.round(np.array([rng.dirichlet(a) for a in concentration]), 3)
    probabilities[:6] = np.eye(k)[[0, 1, 2, 1, 2, 0]]  # rows 0..2 right, rows 3..5 confidently wrong
    actual[:6] = [0, 1, 2, 0, 0, 2]
    predicted = probabilities.argmax(axis=1)
    noisy = rng.random(n) < 0.1
    predicted[noisy] = rng.choice(k, int(noisy.sum()))
    cases.append(multiclass_case("three_classes", actual, predicted, probabilities, k))
    # Four classes: class 3 never actual (weight 0), class 2 never predicted (precision 0/0 → 0).
    n, k = 200, 4
    actual = rng.choice(3, n, p=[0.4, 0.4, 0.2])
    predicted = np.where(rng.random(n) < 0.7, actual, rng.choice(k, n))
    predicted[predicted == 2] = 3
    probabilities = rng.dirichlet(np.ones(k), n)
    cases.append(multiclass_case("absent_classes", actual, predicted, probabilities, k))
    # One class in actual: its false positive rate is 0/0, counted as 0.
    n, k = 150, 3
    actual = np.ones(n, np.int64)
    predicted = np.where(rng.random(n) < 0.8, 1, rng.choice(k, n))
    probabilities = rng.dirichlet([1, 4, 1], n)
    cases.append(multiclass_case("one_class_actual", actual, predicted, probabilities, k))
    return cases


def regression_cases(rng):
    n = 300
    x = rng.normal(0, 1, n)
    actual = 250 + 80 * x + rng.normal(0, 20, n)
    predicted = 245 + 75 * x
    constant = np.full(100, 5.0)
    return [
        regression_case("linear_with_noise", actual, predicted),
        regression_case("constant_actual", constant, constant + rng.normal(0, 0.5, 100)),
        regression_case("constant_actual_perfect", constant, constant.copy()),
    ]


def main():
    rng = np.random.default_rng(20240610)
    reference = {
        "generator": "test/reference/quality_metrics.py",
        "sklearn_version": sklearn.__version__,
        "numpy_version": np.__version__,
        "log_loss_eps": float(np.finfo(np.float64).eps),
        "binary": binary_cases(rng),
        "multiclass": multiclass_cases(rng),
        "regression": regression_cases(rng),
    }
    with open(OUT, "w") as f:
        json.dump(reference, f, allow_nan=False, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {OUT} (scikit-learn {sklearn.__version__})")


if __name__ == "__main__":
    main()
