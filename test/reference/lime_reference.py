#!/usr/bin/python3
"""Reference values for src/metrics/lime/: LIME tabular explanations computed as marcotcr/lime computes them.

Writes test/reference/lime-reference.json; test/unit/lime-math.test.ts checks limeTrainingSummary and limeExplain
against it. Run with Debian's Python (numpy, scipy, scikit-learn): /usr/bin/python3 test/reference/lime_reference.py

The `lime` package cannot be installed here (no PyPI), so the parts of it that the TypeScript port follows are copied
below from marcotcr/lime (commit fd7eb2e), keeping their logic line for line:
  - lime/discretize.py: QuartileDiscretizer.bins, BaseDiscretizer.__init__ (names, means, stds, mins, maxs),
    BaseDiscretizer.discretize, get_undiscretize_values, undiscretize;
  - lime/lime_tabular.py: LimeTabularExplainer.__init__ (kernel width, kernel, feature_values / feature_frequencies
    of the discretized training data, scaler mean 0 / scale 1 for every discretized feature), __data_inverse
    (discretized path), explain_instance (scaled_data, pairwise euclidean distances to row 0, feature names);
  - lime/lime_base.py: LimeBase.forward_selection, feature_selection, explain_instance_with_data, with
    sklearn.linear_model.Ridge exactly as there.
numpy's random stream cannot be reproduced in TypeScript, so each case stores the perturbation sample lime drew (its
0/1 representation, one string per row) and the model's probabilities rounded to 1e-6; the rounded values are the
ones both implementations explain. The data-space sample (`inverse`) is used here only to compute those probabilities.
"""
import collections
import json
import os

import numpy as np
import scipy
import scipy.stats
import sklearn
import sklearn.metrics
from sklearn.linear_model import Ridge

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lime-reference.json")


# ---- lime/discretize.py ---------------------------------------------------------------------------------------------
class QuartileDiscretizer:
    """BaseDiscretizer.__init__ with QuartileDiscretizer.bins, data_stats=None."""

    def __init__(self, data, categorical_features, feature_names, random_state):
        self.to_discretize = [x for x in range(data.shape[1]) if x not in categorical_features]
        self.names = {}
        self.lambdas = {}
        self.means = {}
        self.stds = {}
        self.mins = {}
        self.maxs = {}
        self.random_state = random_state
        bins = [np.array(np.percentile(data[:, feature], [25, 50, 75])) for feature in self.to_discretize]  # bins()
        bins = [np.unique(x) for x in bins]
        for feature, qts in zip(self.to_discretize, bins):
            n_bins = qts.shape[0]  # Actually number of borders (= #bins-1)
            boundaries = np.min(data[:, feature]), np.max(data[:, feature])
            name = feature_names[feature]
            self.names[feature] = ['%s <= %.2f' % (name, qts[0])]
            for i in range(n_bins - 1):
                self.names[feature].append('%.2f < %s <= %.2f' % (qts[i], name, qts[i + 1]))
            self.names[feature].append('%s > %.2f' % (name, qts[n_bins - 1]))
            self.lambdas[feature] = lambda x, qts=qts: np.searchsorted(qts, x)
            discretized = self.lambdas[feature](data[:, feature])
            self.means[feature] = []
            self.stds[feature] = []
            for x in range(n_bins + 1):
                selection = data[discretized == x, feature]
                mean = 0 if len(selection) == 0 else np.mean(selection)
                self.means[feature].append(mean)
                std = 0 if len(selection) == 0 else np.std(selection)
                std += 0.00000000001
                self.stds[feature].append(std)
            self.mins[feature] = [boundaries[0]] + qts.tolist()
            self.maxs[feature] = qts.tolist() + [boundaries[1]]
        self.edges = dict(zip(self.to_discretize, bins))

    def discretize(self, data):
        ret = data.copy()
        for feature in self.lambdas:
            if len(data.shape) == 1:
                ret[feature] = int(self.lambdas[feature](ret[feature]))
            else:
                ret[:, feature] = self.lambdas[feature](ret[:, feature]).astype(int)
        return ret

    def get_undiscretize_values(self, feature, values):
        mins = np.array(self.mins[feature])[values]
        maxs = np.array(self.maxs[feature])[values]
        means = np.array(self.means[feature])[values]
        stds = np.array(self.stds[feature])[values]
        minz = (mins - means) / stds
        maxz = (maxs - means) / stds
        min_max_unequal = (minz != maxz)
        ret = minz
        ret[np.where(min_max_unequal)] = scipy.stats.truncnorm.rvs(
            minz[min_max_unequal], maxz[min_max_unequal], loc=means[min_max_unequal], scale=stds[min_max_unequal],
            random_state=self.random_state)
        return ret

    def undiscretize(self, data):
        ret = data.copy()
        for feature in self.means:
            ret[:, feature] = self.get_undiscretize_values(feature, ret[:, feature].astype(int))
        return ret


# ---- lime/lime_tabular.py -------------------------------------------------------------------------------------------
class Explainer:
    """LimeTabularExplainer with discretize_continuous=True, discretizer='quartile', sample_around_instance=False."""

    def __init__(self, training_data, feature_names, categorical_features, kernel_width, seed):
        self.random_state = np.random.RandomState(seed)
        self.feature_names = list(feature_names)
        self.original_categorical = list(categorical_features)
        self.discretizer = QuartileDiscretizer(training_data, categorical_features, feature_names, self.random_state)
        self.categorical_features = list(range(training_data.shape[1]))
        discretized_training_data = self.discretizer.discretize(training_data)
        if kernel_width is None:
            kernel_width = np.sqrt(training_data.shape[1]) * .75
        self.kernel_width = float(kernel_width)
        self.kernel_fn = lambda d: np.sqrt(np.exp(-(d ** 2) / self.kernel_width ** 2))
        self.feature_values = {}
        self.feature_frequencies = {}
        self.feature_counts = {}
        for feature in self.categorical_features:
            column = discretized_training_data[:, feature]
            feature_count = collections.Counter(column)
            values, frequencies = map(list, zip(*(sorted(feature_count.items()))))
            self.feature_values[feature] = values
            self.feature_counts[feature] = frequencies
            self.feature_frequencies[feature] = (np.array(frequencies) / float(sum(frequencies)))
        # scaler: StandardScaler(with_mean=False) with mean_ 0 and scale_ 1 for every (discretized) feature

    def data_inverse(self, data_row, num_samples):
        num_cols = data_row.shape[0]
        data = np.zeros((num_samples, num_cols))
        categorical_features = range(num_cols)
        first_row = self.discretizer.discretize(data_row)
        data[0] = data_row.copy()
        inverse = data.copy()
        for column in categorical_features:
            values = self.feature_values[column]
            freqs = self.feature_frequencies[column]
            inverse_column = self.random_state.choice(values, size=num_samples, replace=True, p=freqs)
            binary_column = (inverse_column == first_row[column]).astype(int)
            binary_column[0] = 1
            inverse_column[0] = data[0, column]
            data[:, column] = binary_column
            inverse[:, column] = inverse_column
        inverse[1:] = self.discretizer.undiscretize(inverse[1:])
        inverse[0] = data_row
        return data, inverse

    def feature_names_for(self, data_row):
        """explain_instance: '%s=%s' for categorical features, the bin's name for discretized ones."""
        names = list(self.feature_names)
        for i in self.original_categorical:
            names[i] = '%s=%s' % (names[i], int(data_row[i]))
        discretized_instance = self.discretizer.discretize(data_row)
        for f in self.discretizer.names:
            names[f] = self.discretizer.names[f][int(discretized_instance[f])]
        return names


# ---- lime/lime_base.py ----------------------------------------------------------------------------------------------
def forward_selection(data, labels, weights, num_features):
    clf = Ridge(alpha=0, fit_intercept=True)
    used_features = []
    for _ in range(min(num_features, data.shape[1])):
        max_ = -100000000
        best = 0
        for feature in range(data.shape[1]):
            if feature in used_features:
                continue
            clf.fit(data[:, used_features + [feature]], labels, sample_weight=weights)
            score = clf.score(data[:, used_features + [feature]], labels, sample_weight=weights)
            if score > max_:
                best = feature
                max_ = score
        used_features.append(best)
    return np.array(used_features)


def feature_selection(data, labels, weights, num_features, method):
    if method == 'none':
        return np.array(range(data.shape[1]))
    elif method == 'forward_selection':
        return forward_selection(data, labels, weights, num_features)
    elif method == 'highest_weights':
        clf = Ridge(alpha=0.01, fit_intercept=True)
        clf.fit(data, labels, sample_weight=weights)
        coef = clf.coef_
        weighted_data = coef * data[0]
        feature_weights = sorted(zip(range(data.shape[1]), weighted_data), key=lambda x: np.abs(x[1]), reverse=True)
        return np.array([x[0] for x in feature_weights[:num_features]])
    elif method == 'auto':
        n_method = 'forward_selection' if num_features <= 6 else 'highest_weights'
        return feature_selection(data, labels, weights, num_features, n_method)


def explain_instance_with_data(neighborhood_data, labels_column, distances, kernel_fn, num_features,
                               method='auto', alpha=1):
    weights = kernel_fn(distances)
    used_features = feature_selection(neighborhood_data, labels_column, weights, num_features, method)
    easy_model = Ridge(alpha=alpha, fit_intercept=True)
    easy_model.fit(neighborhood_data[:, used_features], labels_column, sample_weight=weights)
    prediction_score = easy_model.score(neighborhood_data[:, used_features], labels_column, sample_weight=weights)
    local_pred = easy_model.predict(neighborhood_data[0, used_features].reshape(1, -1))
    return (easy_model.intercept_,
            sorted(zip(used_features, easy_model.coef_), key=lambda x: np.abs(x[1]), reverse=True),
            prediction_score, local_pred, used_features)


# ---- the cases ------------------------------------------------------------------------------------------------------
def training_columns(rs, rows, kinds):
    """kinds: 'normal', 'skewed', 'ties' (few distinct values), 'constant', 'cat3', 'cat5', 'cat1'."""
    cols = []
    for kind in kinds:
        if kind == 'normal':
            cols.append(np.round(rs.normal(40, 12, rows), 3))
        elif kind == 'skewed':
            cols.append(np.round(rs.exponential(2000, rows), 2))
        elif kind == 'ties':
            cols.append(rs.randint(0, 4, rows).astype(float))
        elif kind == 'constant':
            cols.append(np.full(rows, 7.25))
        elif kind.startswith('cat'):
            k = int(kind[3:])
            cols.append(rs.choice(k, size=rows, p=np.arange(1, k + 1) / (k * (k + 1) / 2)).astype(float))
    return np.column_stack(cols)


def model_probability(inverse, kinds, rs):
    """A fixed logistic model on the data-space rows: what the explained class's probability could be."""
    z = np.zeros(inverse.shape[0])
    coefs = rs.normal(0, 1, len(kinds))
    for j, kind in enumerate(kinds):
        x = inverse[:, j]
        if kind.startswith('cat'):
            z += coefs[j] * (x == 0)
        elif kind != 'constant':
            z += coefs[j] * (x - np.mean(x)) / (np.std(x) + 1e-9)
    return np.round(1 / (1 + np.exp(-z)), 6)


def case(name, seed, kinds, training_rows, num_samples, num_features, method='auto', kernel_width=None, alpha=1,
         instance=None, constant_labels=False):
    rs = np.random.RandomState(seed)
    training = training_columns(rs, training_rows, kinds)
    names = ['f%d_%s' % (j, k) for j, k in enumerate(kinds)]
    categorical = [j for j, k in enumerate(kinds) if k.startswith('cat')]
    explainer = Explainer(training, names, categorical, kernel_width, seed + 1)
    row = training[rs.randint(training_rows)].copy() if instance is None else np.array(instance, dtype=float)
    data, inverse = explainer.data_inverse(row, num_samples)
    labels = np.full(num_samples, 0.5) if constant_labels else model_probability(inverse, kinds, rs)
    scaled_data = (data - 0) / 1
    distances = sklearn.metrics.pairwise_distances(scaled_data, scaled_data[0].reshape(1, -1), metric='euclidean').ravel()
    intercept, exp, score, local_pred, used = explain_instance_with_data(
        scaled_data, labels, distances, explainer.kernel_fn, num_features, method, alpha)
    feature_names = explainer.feature_names_for(row)
    summary = []
    for j in range(len(kinds)):
        if j in categorical:
            summary.append({'name': names[j], 'type': 'categorical', 'values': [float(v) for v in explainer.feature_values[j]],
                            'counts': [int(c) for c in explainer.feature_counts[j]]})
        else:
            d = explainer.discretizer
            counts = collections.Counter(d.lambdas[j](training[:, j]).tolist())
            summary.append({'name': names[j], 'type': 'numeric', 'edges': d.edges[j].tolist(),
                            'counts': [counts.get(k, 0) for k in range(len(d.means[j]))],
                            'means': [float(m) for m in d.means[j]], 'stds': [float(s) for s in d.stds[j]],
                            'mins': [float(m) for m in d.mins[j]], 'maxs': [float(m) for m in d.maxs[j]]})
    return {
        'name': name,
        'columns': [{'name': names[j], 'categorical': j in categorical, 'values': training[:, j].tolist()} for j in range(len(kinds))],
        'instance': row.tolist(),
        'num_features': num_features, 'feature_selection': method, 'kernel_width': kernel_width, 'alpha': alpha,
        'binary': [''.join('1' if v else '0' for v in r) for r in data],
        'labels': labels.tolist(),
        'expected': {
            'summary': summary,
            'names': feature_names,
            'kernel_width': explainer.kernel_width,
            'used_features': [int(f) for f in used],
            'weights': [{'feature': int(f), 'name': feature_names[int(f)], 'weight': float(w)} for f, w in exp],
            'intercept': float(intercept), 'score': float(score), 'local_pred': float(local_pred[0]),
            'distances_head': distances[:20].tolist(),
            'kernel_head': explainer.kernel_fn(distances[:20]).tolist(),
        },
    }


WIDE = ['normal', 'skewed', 'ties', 'normal', 'cat3', 'skewed', 'normal', 'cat5', 'ties', 'normal',
        'skewed', 'cat3', 'normal', 'ties', 'normal', 'cat5', 'skewed', 'normal', 'cat3', 'normal']
CASES = [
    case('5000 samples × 20 features, highest_weights (auto, 10 features)', 101, WIDE, 400, 5000, 10),
    case('500 samples × 4 features, forward_selection (auto, 3 features)', 202, ['normal', 'cat3', 'skewed', 'ties'], 300, 500, 3),
    case('1000 samples × 8 mixed features, forward_selection (auto, 6 features)', 303,
         ['normal', 'cat5', 'skewed', 'ties', 'cat3', 'normal', 'skewed', 'cat3'], 300, 1000, 6),
    case("800 samples × 6 features, 'none', kernel width 1.5, alpha 0.5", 404,
         ['normal', 'ties', 'cat3', 'skewed', 'normal', 'cat5'], 250, 800, 10, method='none', kernel_width=1.5, alpha=0.5),
    case('a constant feature and a one-category feature, highest_weights', 505,
         ['normal', 'constant', 'cat1', 'skewed', 'cat3'], 200, 600, 10),
    case('a constant feature and a one-category feature, forward_selection of 3', 606,
         ['normal', 'constant', 'cat1', 'skewed', 'cat3'], 200, 600, 3),
    case('an instance outside the training range and an unseen category', 707,
         ['normal', 'constant', 'cat3', 'skewed'], 200, 400, 10, method='highest_weights', instance=[200.0, 9.0, 7.0, -5.0]),
    case('3 samples × 5 features (fewer rows than features), none', 808, ['normal', 'skewed', 'cat3', 'normal', 'ties'],
         100, 3, 10, method='none'),
    case('3 samples × 5 features, highest_weights of 2', 909, ['normal', 'skewed', 'cat3', 'normal', 'ties'], 100, 3, 2,
         method='highest_weights'),
    case('constant labels', 1010, ['normal', 'cat3', 'skewed'], 100, 200, 10, constant_labels=True),
]


def percentiles():
    rs = np.random.RandomState(7)
    columns = [
        [5.0], [1.0, 2.0], [3.0, 1.0, 2.0], [1.0, 1.0, 1.0, 2.0, 9.0], list(np.round(rs.normal(0, 1, 17), 4)),
        list(rs.randint(0, 3, 50).astype(float)), [7.25] * 10, list(np.round(rs.exponential(1.0, 101), 6)),
        [-3.5, 0.1, 0.2, 0.3, 1e6, -1e6, 0.0, 2.5],
    ]
    return [{'values': c, 'percentiles': np.percentile(np.array(c), [25, 50, 75]).tolist(),
             'edges': np.unique(np.percentile(np.array(c), [25, 50, 75])).tolist()} for c in columns]


def truncnorm_moments():
    out = []
    for a, b in [(-1.0, 1.0), (-0.3, 0.2), (0.5, 4.0), (2.0, 2.3), (3.0, 30.0), (-8.0, -6.5), (-30.0, 0.0), (-2.0, 5.0), (0.01, 50.0)]:
        out.append({'a': a, 'b': b, 'mean': float(scipy.stats.truncnorm.mean(a, b)), 'var': float(scipy.stats.truncnorm.var(a, b))})
    return out


if __name__ == '__main__':
    result = {
        'numpy_version': np.__version__, 'scipy_version': scipy.__version__, 'sklearn_version': sklearn.__version__,
        'lime_commit': 'fd7eb2e (marcotcr/lime)',
        'percentiles': percentiles(),
        'truncnorm': truncnorm_moments(),
        'formats': [{'x': x, 'text': '%.2f' % x} for x in [0.125, 0.375, -0.125, 2.675, 1.005, 7.25, -0.001, 0.0, 1e6 + 0.625, 33.335, 2.5e-3]],
        'cases': CASES,
    }
    with open(OUT, 'w') as f:
        json.dump(result, f, separators=(',', ':'))
    print('wrote', OUT, os.path.getsize(OUT), 'bytes')
