#!/usr/bin/python3
"""Oracle for preprocessing parity: scikit-learn's imputer + scaler + one-hot encoder.

usage: preprocess_oracle.py TRAIN.csv APPLY.csv NUMERIC_COLS CATEGORICAL_COLS INDICATOR(0|1)
Fits on TRAIN, transforms APPLY, prints {"names": [...], "rows": [[...], ...]} with names in
fraudkit's convention: numeric 'x', one-hot 'c=value', indicator 'x_missing'.
"""
import json
import sys

import numpy as np
import pandas as pd
from sklearn.impute import MissingIndicator, SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

train_path, apply_path, num_arg, cat_arg, indicator = sys.argv[1:6]
num = [c for c in num_arg.split(",") if c]
cat = [c for c in cat_arg.split(",") if c]
read = lambda p: pd.read_csv(p, float_precision="round_trip", dtype={c: str for c in cat},
                             keep_default_na=True)
train, apply = read(train_path), read(apply_path)

names, blocks = [], []
if num:
    pipe = make_pipeline(SimpleImputer(strategy="median"), StandardScaler()).fit(train[num])
    blocks.append(pipe.transform(apply[num]))
    names += num
if cat:
    enc = OneHotEncoder(handle_unknown="ignore", sparse_output=False).fit(train[cat])
    blocks.append(enc.transform(apply[cat].fillna("__never_seen__")))
    names += [f"{c}={v}" for c, cats in zip(cat, enc.categories_) for v in cats]
if indicator == "1" and num:
    mi = MissingIndicator(features="missing-only").fit(train[num])
    blocks.append(mi.transform(apply[num]).astype(float))
    names += [f"{num[i]}_missing" for i in mi.features_]
X = np.hstack(blocks)
print(json.dumps({"names": names, "rows": X.tolist()}))
