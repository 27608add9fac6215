#!/usr/bin/python3
"""XGBoost 1.7 oracle for fraudkit's histogram gradient boosting.

Usage: xgb_oracle.py FILE.csv --target NAME --rounds R --max-leaves L --learning-rate E
                     --reg-lambda LAMBDA --min-child-weight W --max-bin B [--binning xgboost|sklearn]

Rows whose index r has r % 10 < 7 train, the others test (the fraudkit test splits the
same way). Fits XGBClassifier(tree_method='hist', grow_policy='lossguide', max_depth=0,
max_leaves=L, n_estimators=R, learning_rate=E, reg_lambda=LAMBDA, min_child_weight=W,
max_bin=B, base_score=the training positive rate, n_jobs=2) and prints JSON with the test
rows' average_precision_score and roc_auc_score (scikit-learn) and the split sizes.

--binning sklearn feeds XGBoost the bin indices of scikit-learn's own _BinMapper (fitted on
the training rows, max_bin bins plus the missing bin) instead of the raw values. XGBoost then
has one cut per distinct bin index, so both libraries choose among the same split candidates;
with raw values XGBoost places its cuts by its weighted quantile sketch, which differs from
scikit-learn's percentiles on continuous columns and moves AP by up to 0.14 on smtp.csv.
--categorical A,B names columns that hold category labels: they reach XGBoost as pandas
categoricals (categories sorted, as fraudkit's preprocessing sorts them) with
enable_categorical=True, so XGBoost splits on sets of categories (one-vs-rest below
max_cat_to_onehot=4 categories, partitions above); with --binning sklearn only the other
columns are binned.
Run with Debian's /usr/bin/python3 (python3-xgboost, python3-sklearn).
"""
import argparse
import json

import numpy as np
import pandas as pd
import xgboost
from sklearn.metrics import average_precision_score, roc_auc_score


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--target", required=True)
    ap.add_argument("--rounds", type=int, required=True)
    ap.add_argument("--max-leaves", type=int, required=True)
    ap.add_argument("--learning-rate", type=float, required=True)
    ap.add_argument("--reg-lambda", type=float, required=True)
    ap.add_argument("--min-child-weight", type=float, required=True)
    ap.add_argument("--max-bin", type=int, required=True)
    ap.add_argument("--binning", choices=["xgboost", "sklearn"], default="xgboost")
    ap.add_argument("--categorical", default="")
    a = ap.parse_args()
    categorical = [c for c in a.categorical.split(",") if c]
    df = pd.read_csv(a.file, float_precision="round_trip", dtype={c: str for c in categorical})
    y = df.pop(a.target).to_numpy().astype(np.int64)
    numeric = [c for c in df.columns if c not in categorical]
    train = np.arange(len(y)) % 10 < 7
    max_bin = a.max_bin
    if a.binning == "sklearn" and numeric:
        from sklearn.ensemble._hist_gradient_boosting.binning import _BinMapper
        values = df[numeric].to_numpy(dtype=np.float64)
        mapper = _BinMapper(n_bins=a.max_bin + 1, subsample=None).fit(values[train])
        values = mapper.transform(values).astype(np.float64)
        values[values == a.max_bin] = np.nan  # the missing bin: XGBoost learns its direction, as we do
        df[numeric] = values
        max_bin = a.max_bin + 1  # room for every bin index
    for c in categorical:
        df[c] = pd.Categorical(df[c], categories=sorted(df[c].dropna().unique()))
    X = df if categorical else df.to_numpy(dtype=np.float64)
    model = xgboost.XGBClassifier(
        tree_method="hist", grow_policy="lossguide", max_depth=0, max_leaves=a.max_leaves,
        n_estimators=a.rounds, learning_rate=a.learning_rate, reg_lambda=a.reg_lambda,
        min_child_weight=a.min_child_weight, max_bin=max_bin, base_score=float(y[train].mean()),
        n_jobs=2, random_state=0, enable_categorical=bool(categorical), max_cat_to_onehot=4)
    rows = (lambda m: X[m]) if not categorical else (lambda m: X.loc[m])
    model.fit(rows(train), y[train])
    scores = model.predict_proba(rows(~train))[:, 1]
    print(json.dumps({"ap": float(average_precision_score(y[~train], scores)),
                      "roc_auc": float(roc_auc_score(y[~train], scores)),
                      "train_rows": int(train.sum()), "test_rows": int((~train).sum())}))


if __name__ == "__main__":
    main()
