#!/usr/bin/python3
"""Independent oracle for fraudkit's metrics: scikit-learn 1.2 (and plain numpy where
scikit-learn has no such metric). Prints ONE JSON object on stdout.

  metrics_oracle.py csv FILE [--thresholds T1,T2,..] [--beta B] [--k K] [--cost FP:FN:TP:TN]
      FILE has a column y_true and one or more score columns (floats parsed round-trip
      exactly); --thresholds gives one threshold per score column (default 0.5 each). Prints
      {"results": {column: result}}.
  metrics_oracle.py cases FILE.json
      FILE.json is a list of {"y": [...], "s": [...], "threshold", "beta", "k", "cost"}; prints
      {"results": [...]} with one result per case (one interpreter start for many cases).

Each result holds every metric of fraudkit's all_metrics plus the curves and the
classification report. Undefined values are null (JSON has no NaN): roc_auc with one class
(scikit-learn raises), NaN rates of roc_curve, log_loss / brier when a score is outside [0, 1].
"""
import argparse
import json
import math
import sys
import warnings

import numpy as np
import pandas as pd
from sklearn import metrics as skm

warnings.simplefilter("ignore")  # undefined cases warn; we report what scikit-learn returns


def nan_to_none(values):
    return [None if (isinstance(v, float) and math.isnan(v)) else v for v in values]


def floats(a):
    return nan_to_none([float(v) for v in np.asarray(a, dtype=np.float64)])


def top_k_hits(y, s, k):
    """Positives among the k highest scores, ties at the cut in row order (stable sort)."""
    order = np.argsort(-s, kind="stable")
    return int(y[order[: min(k, len(y))]].sum())


def evaluate(y, s, threshold, beta, k, cost):
    y = np.asarray(y, dtype=np.int64)
    s = np.asarray(s, dtype=np.float64)
    pred = (s >= threshold).astype(np.int64)
    n, positives = len(y), int(y.sum())
    k = positives if k < 0 else k
    tn, fp, fn, tp = (int(v) for v in skm.confusion_matrix(y, pred, labels=[0, 1]).ravel())
    out = {"n": n, "positives": positives, "prevalence": positives / n, "threshold": threshold}
    out["average_precision"] = float(skm.average_precision_score(y, s))
    try:
        out["roc_auc"] = float(skm.roc_auc_score(y, s))
    except ValueError:  # one class: undefined
        out["roc_auc"] = None
    p, r, t = skm.precision_recall_curve(y, s)
    out["pr_curve"] = {"precision": floats(p), "recall": floats(r), "thresholds": floats(t)}
    for name, drop in (("roc_curve", True), ("roc_curve_full", False)):
        fpr, tpr, t = skm.roc_curve(y, s, drop_intermediate=drop)
        out[name] = {"fpr": floats(fpr), "tpr": floats(tpr), "thresholds": floats(t)}
    out["precision"] = float(skm.precision_score(y, pred, labels=[0, 1], zero_division=0))
    out["recall"] = float(skm.recall_score(y, pred, labels=[0, 1], zero_division=0))
    out["f1"] = float(skm.f1_score(y, pred, labels=[0, 1], zero_division=0))
    out["beta"] = beta
    out["f_beta"] = float(skm.fbeta_score(y, pred, beta=beta, labels=[0, 1], zero_division=0))
    out["mcc"] = float(skm.matthews_corrcoef(y, pred))
    out["balanced_accuracy"] = float(skm.balanced_accuracy_score(y, pred))
    out["accuracy"] = float(skm.accuracy_score(y, pred))
    out["confusion"] = {"tp": tp, "fp": fp, "tn": tn, "fn": fn}
    probabilities = bool(np.all((s >= 0) & (s <= 1)))
    out["log_loss"] = float(skm.log_loss(y, s, eps=1e-15, labels=[0, 1])) if probabilities else None
    out["brier"] = float(skm.brier_score_loss(y, s, pos_label=1)) if probabilities else None
    hits = top_k_hits(y, s, k)
    out["k"] = k
    out["precision_at_k"] = hits / min(k, n) if min(k, n) > 0 else 0.0
    out["recall_at_k"] = hits / positives if positives > 0 else 0.0
    c_fp, c_fn, c_tp, c_tn = cost
    total = c_fp * fp + c_fn * fn + c_tp * tp + c_tn * tn
    out["expected_cost"] = total
    out["cost_per_row"] = total / n
    out["classification_report"] = skm.classification_report(
        y, pred, labels=[0, 1], zero_division=0, output_dict=True)
    out["classification_report_text"] = skm.classification_report(
        y, pred, labels=[0, 1], zero_division=0)
    return out


def parse_cost(text):
    parts = [float(v) for v in text.split(":")]
    return parts + [0.0] * (4 - len(parts))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("csv")
    c.add_argument("file")
    c.add_argument("--thresholds", default="")
    c.add_argument("--beta", type=float, default=2.0)
    c.add_argument("--k", type=int, default=-1)
    c.add_argument("--cost", default="1:1:0:0")
    m = sub.add_parser("cases")
    m.add_argument("file")
    a = ap.parse_args(argv)
    if a.cmd == "csv":
        df = pd.read_csv(a.file, float_precision="round_trip")
        columns = [c for c in df.columns if c != "y_true"]
        thresholds = [float(t) for t in a.thresholds.split(",")] if a.thresholds else [0.5] * len(columns)
        if len(thresholds) != len(columns):
            sys.exit("--thresholds needs one value per score column")
        y = df["y_true"].to_numpy()
        res = {"results": {c: evaluate(y, df[c].to_numpy(dtype=np.float64), t, a.beta, a.k, parse_cost(a.cost))
                           for c, t in zip(columns, thresholds)}}
    else:
        with open(a.file) as f:
            cases = json.load(f)
        res = {"results": [evaluate(cs["y"], cs["s"], cs["threshold"], cs["beta"], cs["k"], cs["cost"])
                           for cs in cases]}
    json.dump(res, sys.stdout, allow_nan=False)


if __name__ == "__main__":
    main()
