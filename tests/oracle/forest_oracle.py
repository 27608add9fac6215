#!/usr/bin/python3
"""scikit-learn 1.2 oracle for fraudkit's random forest and isolation forest.

Usage: forest_oracle.py FILE.csv --target NAME --model rf|iforest [--seeds S] [--trees T]
                        [--class-weight none|balanced|balanced_subsample]

Rows whose index r has r % 10 < 7 train, the others test (the fraudkit tests split the same
way). rf: RandomForestClassifier(n_estimators=T, n_jobs=2, class_weight, random_state=seed);
iforest: IsolationForest(n_estimators=T, random_state=seed) fitted on the training rows
without labels, scored by -score_samples. Prints JSON with the test rows'
average_precision_score and roc_auc_score, each the mean over seeds 0..S-1 (a forest's AP
moves with its seed; the mean is what a second implementation can be held to), and the
per-seed values. Run with Debian's /usr/bin/python3 (python3-sklearn).
"""
import argparse
import json

import numpy as np
import pandas as pd
from sklearn.ensemble import IsolationForest, RandomForestClassifier
from sklearn.metrics import average_precision_score, roc_auc_score


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--target", required=True)
    ap.add_argument("--model", choices=["rf", "iforest"], required=True)
    ap.add_argument("--seeds", type=int, default=1)
    ap.add_argument("--trees", type=int, default=100)
    ap.add_argument("--class-weight", default="none")
    a = ap.parse_args()
    df = pd.read_csv(a.file, float_precision="round_trip")
    y = df.pop(a.target).to_numpy().astype(np.int64)
    X = df.to_numpy(dtype=np.float64)
    train = np.arange(len(y)) % 10 < 7
    aps, aucs = [], []
    for seed in range(a.seeds):
        if a.model == "rf":
            cw = None if a.class_weight == "none" else a.class_weight
            m = RandomForestClassifier(n_estimators=a.trees, n_jobs=2, class_weight=cw, random_state=seed)
            m.fit(X[train], y[train])
            s = m.predict_proba(X[~train])[:, 1]
        else:
            m = IsolationForest(n_estimators=a.trees, random_state=seed)
            m.fit(X[train])
            s = -m.score_samples(X[~train])
        aps.append(float(average_precision_score(y[~train], s)))
        aucs.append(float(roc_auc_score(y[~train], s)))
    print(json.dumps({"ap": float(np.mean(aps)), "roc_auc": float(np.mean(aucs)), "ap_each": aps,
                      "roc_auc_each": aucs}))


if __name__ == "__main__":
    main()
