#!/usr/bin/python3
"""scikit-learn oracle for fraudkit's cross-validation tests.

Usage: cv_oracle.py --data F.csv --folds FOLDS.json [--target label] [--C 1.0]

FOLDS.json is a list of {"fit": [row, ...], "test": [row, ...]} (0-based data rows, as the
fraudkit test recorded them). For each fold this fits sklearn's
Pipeline(StandardScaler, LogisticRegression(C, lbfgs run to tol 1e-10)) on the fit rows,
scores the test rows and prints, per fold, average_precision_score and roc_auc_score, plus
the mean and numpy's (population) std of each over the folds, as one JSON object.
Run with Debian's /usr/bin/python3 (python3-sklearn 1.2).
"""
import argparse
import json
import warnings

import numpy as np
import pandas as pd
import sklearn.linear_model._logistic as logistic_module
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


class ConvergedOptimize:
    # sklearn 1.2 passes tol to L-BFGS-B as gtol only; scipy's ftol would still stop it
    # early (see logreg_oracle.py). Disable that stop so tol decides convergence.
    scipy_optimize = logistic_module.optimize

    @staticmethod
    def minimize(*args, **kwargs):
        kwargs["options"] = dict(kwargs.get("options") or {}, ftol=0.0)
        return ConvergedOptimize.scipy_optimize.minimize(*args, **kwargs)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--folds", required=True)
    p.add_argument("--target", default="label")
    p.add_argument("--C", type=float, default=1.0)
    a = p.parse_args()
    df = pd.read_csv(a.data, float_precision="round_trip")
    y = df.pop(a.target).to_numpy().astype(np.int64)
    X = df.to_numpy(dtype=np.float64)
    with open(a.folds) as f:
        folds = json.load(f)
    logistic_module.optimize = ConvergedOptimize
    out = {"folds": []}
    for fold in folds:
        fit, test = np.array(fold["fit"]), np.array(fold["test"])
        model = make_pipeline(StandardScaler(),
                              LogisticRegression(C=a.C, tol=1e-10, max_iter=100000))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(X[fit], y[fit])
        s = model.predict_proba(X[test])[:, 1]
        out["folds"].append({"average_precision": float(average_precision_score(y[test], s)),
                             "roc_auc": float(roc_auc_score(y[test], s))})
    for name in ("average_precision", "roc_auc"):
        v = np.array([f[name] for f in out["folds"]])
        out[name] = {"mean": float(v.mean()), "std": float(v.std())}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
