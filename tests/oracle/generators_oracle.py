#!/usr/bin/python3
"""Oracle for the synthetic data generators: scikit-learn's make_classification and Python's
own arithmetic, printed as JSON for tests/data/generate_*_test.cc.

usage:
  generators_oracle.py n_fraud ROWS:RATE [ROWS:RATE ...]
      {"n_fraud": [int(round(ROWS * RATE)), ...]}  (the reference simulator's rounding)
  generators_oracle.py accepts PARAMS_LIST_JSON
      [{"accepted": bool, "message": str}, ...]: does sklearn's make_classification accept
      each parameter set, and if not, what does it say?
  generators_oracle.py counts PARAMS_LIST_JSON
      [{"negatives": n0, "positives": n1}, ...] from one sklearn draw each (pass flip_y = 0 to
      make the counts deterministic)
  generators_oracle.py stats PARAMS_JSON SEEDS [OURS.csv]
      Per-seed statistics of sklearn's output for seeds 0..SEEDS-1 and, when OURS.csv (columns
      seed, x0.., label) is given, the same statistics of those rows grouped by seed:
      {"sklearn": {stat: [per seed]}, "ours": {stat: [per seed]}}

PARAMS_JSON uses fraudkit's names (n_samples, n_features, n_informative, n_redundant,
n_clusters_per_class, weight_positive, flip_y, class_sep); weights are passed to sklearn as
[1 - w, w], exactly as fraudkit defines them.
"""
import json
import sys

# numpy, pandas and scikit-learn are imported by the modes that use them: n_fraud needs none
# and starts in milliseconds instead of seconds.


def sklearn_data(p, seed):
    from sklearn.datasets import make_classification

    w = p["weight_positive"]
    return make_classification(
        n_samples=p["n_samples"], n_features=p["n_features"], n_informative=p["n_informative"],
        n_redundant=p["n_redundant"], n_repeated=0, n_classes=2,
        n_clusters_per_class=p["n_clusters_per_class"], weights=[1.0 - w, w],
        flip_y=p["flip_y"], class_sep=p["class_sep"], shuffle=True, random_state=seed)


def vertex_label_noise(X, y):
    """Share of labels that disagree with the majority label of their cluster, when the
    clusters are far apart: with every feature informative and class_sep large, the sign
    pattern of a row names its hypercube vertex, i.e. its cluster."""
    import numpy as np
    keys = (X > 0).astype(np.int64) @ (1 << np.arange(X.shape[1], dtype=np.int64))
    wrong = 0
    for k in np.unique(keys):
        ys = y[keys == k]
        wrong += min(ys.sum(), len(ys) - ys.sum())
    return wrong / len(y)


def stats(X, y):
    """Scalar summaries, each invariant to the order of rows and of features."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    y = np.asarray(y).astype(int)
    pos, neg = X[y == 1], X[y == 0]
    pooled = np.sqrt(0.5 * (pos.var(axis=0, ddof=1) + neg.var(axis=0, ddof=1)))
    smd = np.abs(pos.mean(axis=0) - neg.mean(axis=0)) / pooled
    corr = np.corrcoef(X, rowvar=False)
    off = np.abs(corr[~np.eye(corr.shape[0], dtype=bool)])
    eig = np.sort(np.linalg.eigvalsh(corr))[::-1]
    lr = LogisticRegression(C=1.0, max_iter=2000).fit(X, y)
    return {
        "pos_frac": float(y.mean()),
        "train_auc_logistic": float(roc_auc_score(y, lr.decision_function(X))),
        "mean_var": float(X.var(axis=0, ddof=1).mean()),
        "max_abs_smd": float(smd.max()),
        "mean_abs_smd": float(smd.mean()),
        "mean_abs_corr": float(off.mean()) if off.size else 0.0,
        "top_eig_share": float(eig[0] / eig.sum()),
        "vertex_label_noise": float(vertex_label_noise(X, y)),
    }


def collect(per_seed):
    out = {}
    for s in per_seed:
        for k, v in s.items():
            out.setdefault(k, []).append(v)
    return out


def main():
    mode = sys.argv[1]
    if mode == "n_fraud":
        pairs = [arg.split(":") for arg in sys.argv[2:]]
        print(json.dumps({"n_fraud": [int(round(int(r) * float(f))) for r, f in pairs]}))
        return
    p = json.loads(sys.argv[2])
    if mode == "accepts":
        out = []
        for q in p:
            try:
                sklearn_data(q, 0)
                out.append({"accepted": True, "message": ""})
            except ValueError as e:
                out.append({"accepted": False, "message": str(e)})
        print(json.dumps(out))
    elif mode == "counts":
        ys = [sklearn_data(q, 0)[1] for q in p]
        print(json.dumps([{"negatives": int((y == 0).sum()), "positives": int((y == 1).sum())}
                          for y in ys]))
    elif mode == "stats":
        seeds = int(sys.argv[3])
        result = {"sklearn": collect(stats(*sklearn_data(p, s)) for s in range(seeds))}
        if len(sys.argv) > 4:
            import pandas as pd
            ours = pd.read_csv(sys.argv[4], float_precision="round_trip")
            features = [c for c in ours.columns if c.startswith("x")]
            result["ours"] = collect(stats(g[features].to_numpy(), g["label"].to_numpy())
                                     for _, g in ours.groupby("seed", sort=True))
        print(json.dumps(result))
    else:
        sys.exit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
