#!/usr/bin/python3
"""imbalanced-learn oracle for fraudkit's over-sampler parity tests.

Usage:
  oversample_oracle.py counts  --data F.csv --methods ros,smote,... --strategies "auto;0.5;1:900"
                               [--k 5] [--m 10] [--categorical 3,4]
  oversample_oracle.py moments --data F.csv --method M [--strategy auto] [--seeds 0,1,2]
                               [--k 5] [--m 10] [--shrinkage S] [--categorical 3,4]
  oversample_oracle.py smotenc-constant --data F.csv --categorical 3,4
  oversample_oracle.py jobs --jobs J.json   (a list of {"cmd": ..., "data": ..., option: value})

F has a header; the target is the column `label` (0/1); every other column is a float64 feature
(pandas, float_precision='round_trip'). Categorical columns (--categorical, 0-based feature
indices) hold integer codes. (The C++ tests write the rows they resample, e.g. a thinned
dataset, to such a file.)

Methods: ros, smote, smotenc, smoten, borderline1, borderline2, borderline2_fixed, adasyn.
imbalanced-learn 0.10 classes with random_state=seed, k_neighbors=k (ADASYN: n_neighbors=k),
m_neighbors=m. borderline2_fixed is NOT an imbalanced-learn 0.10 class: it is Borderline-SMOTE-2
as Han et al. (2005) define it and as imbalanced-learn fixed it in 0.11 (PR #1023: the k
neighbours of each danger row are searched among ALL rows), with the paper's step: uniform in
[0, 0.5) toward a neighbour of the other class, [0, 1) toward one of the same class. It is
written here with scikit-learn's NearestNeighbors and imbalanced-learn's own danger rule, to
check fraudkit's borderline2 (imbalanced-learn 0.10's borderline-2 indexes the majority rows
with minority neighbour positions, see docs/samplers_over.md).

counts: prints {method: {strategy: [rows of class 0, rows of class 1] or {"error": text}}}.
moments: prints per-feature mean, variance (ddof 0) and 4th central moment of the synthetic rows
(rows after the input rows in fit_resample's output, pooled over the seeds), their count per
seed, and per categorical column the frequency of every code among the synthetic rows.
smotenc-constant: prints SMOTENC's median_std_ and the squared distance a categorical mismatch
adds (two one-hot entries of median_std / 2 differ).
Run with Debian's /usr/bin/python3 (python3-imblearn 0.10).
"""
import argparse
import json
import sys
import warnings

import numpy as np
import pandas as pd
from imblearn import over_sampling as ov
from sklearn.neighbors import NearestNeighbors

warnings.filterwarnings("ignore")


def load(path):
    df = pd.read_csv(path, float_precision="round_trip")
    y = df.pop("label").to_numpy().astype(np.int64)
    return df.to_numpy(dtype=np.float64), y


def strategy_value(text):
    t = text.strip()
    if ":" in t:
        out = {}
        for item in t.split(","):
            c, n = item.split(":")
            out[int(c)] = int(n)
        return out
    try:
        return float(t)
    except ValueError:
        return t


class Borderline2Fixed:
    """Borderline-SMOTE-2 with neighbours among all rows (imbalanced-learn >= 0.11's neighbour
    set) and the paper's step of [0, 0.5) toward other-class neighbours."""

    def __init__(self, sampling_strategy, random_state, k_neighbors, m_neighbors):
        self.inner = ov.BorderlineSMOTE(sampling_strategy=sampling_strategy, random_state=random_state,
                                        k_neighbors=k_neighbors, m_neighbors=m_neighbors, kind="borderline-2")
        self.k, self.m, self.seed = k_neighbors, m_neighbors, random_state

    def fit_resample(self, X, y):
        from imblearn.utils import check_sampling_strategy
        rng = np.random.RandomState(self.seed)
        strategy = check_sampling_strategy(self.inner.sampling_strategy, y, "over-sampling")
        X_out, y_out = [X], [y]
        for cls, n in strategy.items():
            if n == 0:
                continue
            X_class = X[y == cls]
            nn_m = nn(self.m + 1).fit(X)
            danger = self.inner._in_danger_noise(nn_m, X_class, cls, y, kind="danger")
            if not danger.any():
                continue
            X_danger = X_class[danger]
            nn_k = nn(self.k + 1).fit(X)
            nns = nn_k.kneighbors(X_danger, return_distance=False)[:, 1:]
            draws = rng.randint(0, nns.size, size=n)
            rows, cols = draws // nns.shape[1], draws % nns.shape[1]
            targets = nns[rows, cols]
            steps = rng.uniform(size=n)
            steps[y[targets] != cls] *= 0.5
            X_out.append(X_danger[rows] + steps[:, None] * (X[targets] - X_danger[rows]))
            y_out.append(np.full(n, cls))
        return np.vstack(X_out), np.concatenate(y_out)


def nn(n_neighbors):
    return NearestNeighbors(n_neighbors=n_neighbors)


def make(method, strategy, seed, k, m, shrinkage, categorical):
    s = strategy_value(strategy)
    if method == "ros":
        return ov.RandomOverSampler(sampling_strategy=s, random_state=seed,
                                    shrinkage=None if shrinkage is None or shrinkage < 0 else shrinkage)
    if method == "smote":
        return ov.SMOTE(sampling_strategy=s, random_state=seed, k_neighbors=k)
    if method == "smotenc":
        return ov.SMOTENC(categorical, sampling_strategy=s, random_state=seed, k_neighbors=k)
    if method == "smoten":
        return ov.SMOTEN(sampling_strategy=s, random_state=seed, k_neighbors=k)
    if method in ("borderline1", "borderline2"):
        return ov.BorderlineSMOTE(sampling_strategy=s, random_state=seed, k_neighbors=k,
                                  m_neighbors=m, kind="borderline-" + method[-1])
    if method == "borderline2_fixed":
        return Borderline2Fixed(s, seed, k, m)
    if method == "adasyn":
        return ov.ADASYN(sampling_strategy=s, random_state=seed, n_neighbors=k)
    raise SystemExit("unknown method " + method)


def smoten_input(X, method):
    # SMOTEN ordinal-encodes every column; give it integers so the encoder's sorted order is
    # the codes' order (fraudkit breaks mode ties toward the smaller code).
    return X.astype(np.int64) if method == "smoten" else X


def cmd_counts(a):
    from imblearn.utils import check_sampling_strategy
    X, y = load(a.data)
    categorical = [int(c) for c in a.categorical.split(",")] if a.categorical else []
    out = {}
    for method in a.methods.split(","):
        out[method] = {}
        done = {}  # resolved strategy -> counts: strategies that resolve alike give the same result
        for strategy in a.strategies.split(";"):
            sampler = make(method, strategy, 0, a.k, a.m, None, categorical)
            try:
                getattr(sampler, "_validate_params", lambda: None)()  # refuses what fit_resample would
                resolved = tuple(sorted(check_sampling_strategy(strategy_value(strategy), y, "over-sampling").items()))
            except Exception as e:
                done[("refused", strategy)] = {"error": f"{type(e).__name__}: {e}"}
                resolved = ("refused", strategy)
            if resolved not in done:
                try:
                    _, yr = sampler.fit_resample(smoten_input(X, method), y)
                    done[resolved] = [int((yr == 0).sum()), int((yr == 1).sum())]
                except Exception as e:  # the C++ side expects an error here too
                    done[resolved] = {"error": f"{type(e).__name__}: {e}"}
            out[method][strategy] = done[resolved]
    return out


def cmd_moments(a):
    X, y = load(a.data)
    categorical = [int(c) for c in a.categorical.split(",")] if a.categorical else []
    new_rows, per_seed = [], []
    for seed in [int(s) for s in a.seeds.split(",")]:
        Xr, _ = make(a.method, a.strategy, seed, a.k, a.m, a.shrinkage, categorical).fit_resample(
            smoten_input(X, a.method), y)
        new_rows.append(np.asarray(Xr, dtype=np.float64)[len(y):])
        per_seed.append(int(Xr.shape[0] - len(y)))
    S = np.vstack(new_rows)
    mean = S.mean(axis=0)
    centred = S - mean
    out = {"n": int(S.shape[0]), "per_seed": per_seed, "mean": mean.tolist(),
           "var": (centred ** 2).mean(axis=0).tolist(), "m4": (centred ** 4).mean(axis=0).tolist(),
           "categories": {}}
    for c in categorical if a.method != "smoten" else range(X.shape[1]):
        codes, freq = np.unique(S[:, c].astype(np.int64), return_counts=True)
        out["categories"][str(c)] = {str(int(v)): int(f) for v, f in zip(codes, freq)}
    return out


def cmd_smotenc_constant(a):
    X, y = load(a.data)
    categorical = [int(c) for c in a.categorical.split(",")]
    s = ov.SMOTENC(categorical, random_state=0)
    s.fit_resample(X, y)
    return {"median_std": float(s.median_std_), "mismatch_sq": float(2 * (s.median_std_ / 2) ** 2)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cmd", choices=["counts", "moments", "smotenc-constant", "jobs"])
    ap.add_argument("--data")
    ap.add_argument("--jobs")
    ap.add_argument("--methods", default="smote")
    ap.add_argument("--method", default="smote")
    ap.add_argument("--strategies", default="auto")
    ap.add_argument("--strategy", default="auto")
    ap.add_argument("--seeds", default="0")
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--m", type=int, default=10)
    ap.add_argument("--shrinkage", type=float, default=None)
    ap.add_argument("--categorical", default="")
    a = ap.parse_args()
    commands = {"counts": cmd_counts, "moments": cmd_moments, "smotenc-constant": cmd_smotenc_constant}
    if a.cmd == "jobs":
        # One process for many jobs (imports cost about a second): a JSON list of objects with the
        # options above as keys ("cmd", "data", "method", ...); prints the list of results.
        with open(a.jobs) as f:
            jobs = json.load(f)
        result = []
        for job in jobs:
            ja = argparse.Namespace(**vars(ap.parse_args([job["cmd"]])))
            for key, value in job.items():
                setattr(ja, key.replace("-", "_"), value)
            result.append(commands[job["cmd"]](ja))
    else:
        result = commands[a.cmd](a)
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
