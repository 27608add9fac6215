#!/usr/bin/python3
"""scikit-learn oracle for fraudkit's logistic regression parity tests.

Usage: logreg_oracle.py --data F.csv --out probs.f64 [--out-converged probs2.f64]
           [--target label] [--class-weight none|balanced|0:W0,1:W1]
           [--sample-weight W.f64] [--C 1.0] [--tol 1e-10] [--max-iter 100000] [--no-scale]

Reads F (pandas, float_precision='round_trip'; every column but the target is a float64
feature), standardises ALL rows with sklearn's StandardScaler (unless --no-scale), fits
LogisticRegression(solver='lbfgs', C, tol, max_iter, class_weight) with the optional
per-row sample weights (raw little-endian float64, one per row), and writes
predict_proba[:, 1] for every row to --out as raw little-endian float64.
Prints one JSON object: n_iter, coef, intercept, and the max |gradient| of sklearn's own
objective sum_i w_i logloss_i + ||coef||^2 / (2C) at the solution (how close lbfgs got).

Why --out-converged: sklearn passes `tol` to scipy's L-BFGS-B as gtol only, so scipy's
default ftol (2.2e-9, relative decrease of the objective per iteration) still applies and
often stops lbfgs with max |gradient| ~1e-2..1e-1 on these data, whatever tol says. With
--out-converged the same LogisticRegression is fitted a second time with that scipy stop
disabled (ftol=0, passed through sklearn's own call to scipy.optimize.minimize), so `tol`
alone decides convergence; its results are under "converged" in the JSON.
Run with Debian's /usr/bin/python3 (python3-sklearn 1.2).
"""
import argparse
import json
import warnings

import numpy as np
import pandas as pd
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler


def class_weight_arg(text):
    if text == "none":
        return None
    if text == "balanced":
        return "balanced"
    weights = {}
    for item in text.split(","):
        label, value = item.split(":")
        weights[int(label)] = float(value)
    return weights


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--out-converged")
    ap.add_argument("--target", default="label")
    ap.add_argument("--class-weight", default="none")
    ap.add_argument("--sample-weight")
    ap.add_argument("--C", type=float, default=1.0)
    ap.add_argument("--tol", type=float, default=1e-10)
    ap.add_argument("--max-iter", type=int, default=100000)
    ap.add_argument("--no-scale", action="store_true")
    a = ap.parse_args()

    df = pd.read_csv(a.data, float_precision="round_trip")
    y = df.pop(a.target).to_numpy().astype(np.int64)
    X = df.to_numpy(dtype=np.float64)
    if not a.no_scale:
        X = StandardScaler().fit_transform(X)
    sw = None
    if a.sample_weight:
        sw = np.fromfile(a.sample_weight, dtype="<f8")
        assert sw.shape[0] == X.shape[0], "one sample weight per row"

    result = fit(a, X, y, sw, a.out)
    if a.out_converged:
        result["converged"] = fit(a, X, y, sw, a.out_converged, ftol=0.0)
    print(json.dumps(result))


def fit(a, X, y, sw, out, ftol=None):
    import sklearn.linear_model._logistic as logistic_module
    scipy_optimize = logistic_module.optimize
    if ftol is not None:
        # sklearn calls optimize.minimize(..., options={"gtol": tol, ...}); add ftol there.
        class TightOptimize:
            @staticmethod
            def minimize(*args, **kwargs):
                kwargs["options"] = dict(kwargs.get("options") or {}, ftol=ftol)
                return scipy_optimize.minimize(*args, **kwargs)
        logistic_module.optimize = TightOptimize
    try:
        model = LogisticRegression(solver="lbfgs", C=a.C, tol=a.tol, max_iter=a.max_iter,
                                   class_weight=class_weight_arg(a.class_weight))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model.fit(X, y, sample_weight=sw)
    finally:
        logistic_module.optimize = scipy_optimize
    proba = model.predict_proba(X)[:, 1]
    proba.astype("<f8").tofile(out)

    # Gradient of sklearn's objective at its solution, with the weights it used.
    w = np.ones(len(y)) if sw is None else sw.copy()
    cw = model.class_weight
    if cw == "balanced":
        counts = np.bincount(y, minlength=2)
        w *= (len(y) / (2.0 * counts))[y]
    elif isinstance(cw, dict):
        w *= np.array([cw.get(0, 1.0), cw.get(1, 1.0)])[y]
    coef, intercept = model.coef_[0], model.intercept_[0]
    residual = w * (proba - y)
    grad = np.concatenate([X.T @ residual + coef / a.C, [residual.sum()]])
    return {
        "sklearn": sklearn.__version__,
        "n_iter": int(model.n_iter_[0]),
        "coef": coef.tolist(),
        "intercept": float(intercept),
        "max_abs_gradient": float(np.abs(grad).max()),
        "warnings": [str(c.message)[:200] for c in caught],
    }


if __name__ == "__main__":
    main()
