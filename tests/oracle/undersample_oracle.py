#!/usr/bin/python3
"""imbalanced-learn 0.10 oracle for fraudkit's under-sampler and combined-sampler tests.

Usage:
  undersample_oracle.py strategy --cases CASES.json
      CASES.json: [{"strategy": S, "counts": [n0, n1], "type": "over-sampling"|...}, ...]
      where S is a string ("auto", "not minority", ...), a number (ratio) or an object
      {"0": n0, "1": n1} (per-class counts). For each case prints imblearn's
      check_sampling_strategy result {"result": {"0": n, ...}} or {"error": message}.
  undersample_oracle.py counts --data F1.csv,F2.csv --strategies 'S1;S2;...'
      RandomUnderSampler's output class counts (or error message) per file and strategy; each
      S is a JSON value as in `strategy`.
  undersample_oracle.py clean --data F.csv [--stride S] [--limit N] [--strategy auto]
                              [--methods tomek,enn_all,enn_mode,nearmiss1,nearmiss2,nearmiss3]
                              [--tie-tol 0]
      Runs the imblearn samplers on the selected rows (every positive and the rows 0, S, 2S,
      ... of F, in file order, at most the first N of them; indices below are positions in
      that selection) and explains where an exact
      k-nearest-neighbour search that breaks distance ties differently could disagree.
  undersample_oracle.py combined --data F.csv --method smoteenn,smotetomek [--seeds 5]
                                 [--stride S] [--limit N] [--k 5]
      Class counts after imblearn's SMOTE stage and after the whole sampler, for
      random_state 0 .. seeds-1 (the spread shows how much the random synthetic rows move the
      cleaning's count).

Tie analysis. scikit-learn's trees and brute force order equal distances arbitrarily; fraudkit
orders them by row index. A row's outcome can depend on that order only where the neighbour
list has a tie at a position that is used, and only when the tied rows differ in class. For
every method the script returns `tie_rows`: the rows whose outcome some tie order could change,
computed from exact distances (a k-d tree, whatever imblearn itself used; --tie-tol > 0 also
treats distances within that relative tolerance as tied, for data where imblearn's brute force
ranks by rounded matrix-product distances):
  tomek: row i is "ambiguous" when its 3 nearest (self included) have d0 == d1 or d1 == d2, so
         column 1 of a 2-NN search is not determined; it "matters" when the rows at distance d1
         from i include a class other than y[i] (otherwise i can have no link and be no other
         row's link partner, whatever is chosen). tie_rows = {i : matters(i) or
         matters(nn1(i))} with nn1 imblearn's column 1: outside it, both nearest neighbours
         used to decide the link are determined.
  enn:   with k = n_neighbors, a row's vote uses positions 1..k of a (k+1)-NN search: it can
         change when d0 == d1 (which tied row is dropped as "self") and the rows at distance d0
         are of mixed classes, or when d_k == d_{k+1} (which tied rows are in) and the rows at
         distance d_k are of mixed classes. Only targeted rows are examined.
  nearmiss1/2: scores are sums of distances, which do not depend on which tied row is
         returned, so kept rows must be identical wherever distances are computed alike.
         `near_cutoff`: rows whose exact score is within --tie-tol of the cut-off score.
  nearmiss3: the pre-selection takes each minority row's n_neighbors_ver3 nearest rows of
         the class; a row is ambiguous there when it is in the tie group at that boundary
         (d_{k-1} == d_k) of some minority row. `preselected` is imblearn's pre-selection,
         `ranked` its candidates sorted as imblearn sorts them (kept = the first n).
Run with Debian's /usr/bin/python3 (python3-imblearn 0.10, python3-sklearn 1.2).
"""
import argparse
import json
import sys
import warnings

import numpy as np
import pandas as pd
from sklearn.neighbors import KDTree, NearestNeighbors

from imblearn.utils import check_sampling_strategy


def load(a):
    df = pd.read_csv(a.data, float_precision="round_trip")
    y = df.pop("label").to_numpy().astype(np.int64)
    X = df.to_numpy(dtype=np.float64)
    rows = np.flatnonzero((y == 1) | (np.arange(len(y)) % a.stride == 0))
    if a.limit:
        rows = rows[: a.limit]
    return np.ascontiguousarray(X[rows]), y[rows]


def strategy_value(s):
    if isinstance(s, dict):
        return {int(k): int(v) for k, v in s.items()}
    return s


def cmd_strategy(a):
    with open(a.cases) as f:
        cases = json.load(f)
    out = []
    for case in cases:
        y = np.array([0] * case["counts"][0] + [1] * case["counts"][1])
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                r = check_sampling_strategy(strategy_value(case["strategy"]), y, case["type"])
            out.append({"result": {str(int(k)): int(v) for k, v in r.items()}})
        except Exception as e:  # noqa: BLE001 - the message is the oracle's answer
            out.append({"error": str(e)})
    return out


# ---- tie analysis -----------------------------------------------------------------------


class Ties:
    """Exact distances (k-d tree) and 'classes at distance r' lookups for tie analysis."""

    def __init__(self, X, y, tol):
        self.X, self.y, self.tol = X, y, tol
        self.tree = KDTree(X)
        self._dup = None
        self._knn = None
        self._enn = {}

    def five_nearest(self):
        """Distances to the 5 nearest rows of every row (itself included), searched once."""
        if self._knn is None:
            self._knn = self.tree.query(self.X, k=min(5, len(self.X)))[0]
        return self._knn

    def equal(self, a, b):
        return np.abs(a - b) <= self.tol * np.maximum(a, b)

    def kneighbors(self, Q, k):
        return self.tree.query(Q, k=k)

    def duplicate_classes(self):
        """Per row: bit 1 if an exact copy of the row (itself included) has class 0, bit 2 if
        one has class 1."""
        if self._dup is None:
            _, inv = np.unique(self.X, axis=0, return_inverse=True)
            inv = inv.reshape(-1)
            has0 = np.bincount(inv, weights=(self.y == 0)) > 0
            has1 = np.bincount(inv, weights=(self.y == 1)) > 0
            self._dup = (has0.astype(int) + 2 * has1.astype(int))[inv]
        return self._dup

    def classes_at(self, rows, radius):
        """For each row (index into X): the set of classes among rows at exactly `radius`
        (within tol) from it."""
        out = [None] * len(rows)
        rows, radius = np.asarray(rows), np.asarray(radius, dtype=np.float64)
        zero = np.flatnonzero(radius == 0)
        dup = self.duplicate_classes()
        for j in zero:
            bits = dup[rows[j]]
            out[j] = {c for c in (0, 1) if bits & (1 << c)}
        rest = np.flatnonzero(radius > 0)
        if len(rest):
            r = radius[rest]
            idx, dist = self.tree.query_radius(self.X[rows[rest]], r=r * (1 + self.tol) + 1e-300,
                                               return_distance=True)
            for j, near, dd, rj in zip(rest, idx, dist, r):
                out[j] = set(int(v) for v in self.y[near[np.abs(dd - rj) <= self.tol * rj]])
        return out


def tomek_ties(ties, y, targeted, nn1_sklearn):
    d = ties.five_nearest()
    ambiguous = ties.equal(d[:, 0], d[:, 1]) | ties.equal(d[:, 1], d[:, 2])
    rows = np.flatnonzero(ambiguous)
    matters = np.zeros(len(y), dtype=bool)
    for i, labels in zip(rows, ties.classes_at(rows, d[rows, 1])):
        matters[i] = any(c != y[i] for c in labels)
    tie = matters | matters[nn1_sklearn]
    # A row of an untargeted class is never removed; it can still differ in no way.
    tie &= np.isin(y, list(targeted))
    return np.flatnonzero(tie), int(ambiguous.sum())


def enn_ties(ties, y, targeted, k):
    key = tuple(sorted(targeted))
    if key not in ties._enn:
        ties._enn[key] = enn_ties_uncached(ties, y, targeted, k)
    return ties._enn[key]


def enn_ties_uncached(ties, y, targeted, k):
    rows = np.flatnonzero(np.isin(y, list(targeted)))
    d = ties.five_nearest()[rows] if k + 2 <= 5 else ties.kneighbors(ties.X[rows], k + 2)[0]
    front = ties.equal(d[:, 0], d[:, 1])
    back = ties.equal(d[:, k], d[:, k + 1])
    matters = np.zeros(len(rows), dtype=bool)
    for flag, col in ((front, 0), (back, k)):
        sel = np.flatnonzero(flag & ~matters)
        for j, labels in zip(sel, ties.classes_at(rows[sel], d[sel, col])):
            matters[j] = len(labels) > 1
    return rows[matters], int((front | back).sum())


def near_cutoff(scores, n, tol, reverse):
    order = sorted(range(len(scores)), key=scores.__getitem__, reverse=reverse)
    if n >= len(order) or n == 0:
        return np.empty(0, dtype=np.int64)
    cut = scores[order[n - 1]]
    return np.flatnonzero(np.abs(scores - cut) <= tol * abs(cut))


class RecordedSearch:
    """Within the block, `module`'s NearestNeighbors records every kneighbors index array, so
    the script can reuse the search imblearn made instead of repeating it."""

    def __init__(self, module):
        self.module, self.found = module, []

    def __enter__(self):
        found = self.found

        class Recording(NearestNeighbors):
            def kneighbors(self, *args, **kwargs):
                r = super().kneighbors(*args, **kwargs)
                found.append(r[1] if isinstance(r, tuple) else r)
                return r

        self.saved = self.module.NearestNeighbors
        self.module.NearestNeighbors = Recording
        return self.found

    def __exit__(self, *exc):
        self.module.NearestNeighbors = self.saved


def cmd_clean(a):
    from imblearn.under_sampling import EditedNearestNeighbours, NearMiss, TomekLinks
    from imblearn.under_sampling._prototype_selection import _tomek_links as tomek_module

    X, y = load(a)
    strategy = a.strategy
    ties = Ties(X, y, a.tie_tol)
    out = {"rows": int(len(y)), "counts": [int((y == 0).sum()), int((y == 1).sum())]}
    for method in a.methods.split(","):
        res = {}
        if method == "tomek":
            s = TomekLinks(sampling_strategy=strategy)
            with RecordedSearch(tomek_module) as searches:
                s.fit_resample(X, y)
            nn1 = searches[0][:, 1]  # the column imblearn used
            kept = s.sample_indices_
            res["removed"] = np.setdiff1d(np.arange(len(y)), kept).tolist()
            tie, amb = tomek_ties(ties, y, s.sampling_strategy_.keys(), nn1)
            res["tie_rows"], res["ambiguous"] = tie.tolist(), amb
        elif method in ("enn_all", "enn_mode"):
            s = EditedNearestNeighbours(sampling_strategy=strategy, kind_sel=method[4:])
            s.fit_resample(X, y)
            kept = s.sample_indices_
            res["kept_order_ok"] = bool(np.all(np.diff(kept[y[kept] == 0]) > 0))
            res["removed"] = np.setdiff1d(np.arange(len(y)), kept).tolist()
            tie, amb = enn_ties(ties, y, s.sampling_strategy_.keys(), 3)
            res["tie_rows"], res["ambiguous"] = tie.tolist(), amb
        elif method in ("nearmiss1", "nearmiss2", "nearmiss3"):
            version = int(method[-1])
            s = NearMiss(sampling_strategy=strategy, version=version)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                s.fit_resample(X, y)
            res["kept"] = s.sample_indices_.tolist()
            res.update(nearmiss_ties(ties, X, y, s, version, a.tie_tol))
        else:
            sys.exit(f"unknown method {method}")
        out[method] = res
    return out


def nearmiss_ties(ties, X, y, sampler, version, tol):
    """Exact scores (k-d tree distances) near the cut-off; version 3's pre-selection ties."""
    counts = {c: int((y == c).sum()) for c in np.unique(y)}
    minority = min(counts, key=counts.get)
    X_min = X[y == minority]
    nn_min = NearestNeighbors(algorithm="kd_tree").fit(X_min)
    res = {"near_cutoff": [], "ambiguous_preselection": [], "preselected": [], "ranked": []}
    for cls, n in sampler.sampling_strategy_.items():
        cls_rows = np.flatnonzero(y == cls)
        X_cls = X[cls_rows]
        if version == 1:
            d, _ = nn_min.kneighbors(X_cls, 3)
            scores = d.sum(axis=1)
            res["near_cutoff"] += cls_rows[near_cutoff(scores, n, tol, False)].tolist()
        elif version == 2:
            d, _ = nn_min.kneighbors(X_cls, len(X_min))
            scores = d[:, -3:].sum(axis=1)
            res["near_cutoff"] += cls_rows[near_cutoff(scores, n, tol, False)].tolist()
        else:
            k3 = 3
            nn_cls = NearestNeighbors(n_neighbors=k3).fit(X_cls)  # as imblearn (algorithm auto)
            _, idx = nn_cls.kneighbors(X_min)
            pre = np.unique(idx.reshape(-1))
            res["preselected"] += cls_rows[pre].tolist()
            exact = NearestNeighbors(algorithm="kd_tree").fit(X_cls)
            d, _ = exact.kneighbors(X_min, min(k3 + 1, len(X_cls)))
            if d.shape[1] > k3:
                boundary = np.flatnonzero(ties.equal(d[:, k3 - 1], d[:, k3]))
                for q in boundary:
                    r = d[q, k3 - 1]
                    dist, near = exact.radius_neighbors(X_min[q : q + 1], radius=r * (1 + tol) + 1e-300)
                    tied = near[0][np.abs(dist[0] - r) <= tol * r]
                    res["ambiguous_preselection"] += cls_rows[tied].tolist()
            d, _ = NearestNeighbors(n_neighbors=3).fit(X_min).kneighbors(X_cls[pre])
            scores = d.sum(axis=1)
            order = sorted(range(len(scores)), key=scores.__getitem__, reverse=True)
            res["ranked"] += cls_rows[pre[order]].tolist()
            res["near_cutoff"] += cls_rows[pre[near_cutoff(scores, n, tol, True)]].tolist()
    res["ambiguous_preselection"] = sorted(set(res["ambiguous_preselection"]))
    return res


class RecordedResample:
    """Within the block, the labels returned by the SMOTE step of `combined` are recorded (the
    sampler clones its `smote`, so the class's method is wrapped)."""

    def __init__(self, combined):
        self.cls, self.found = type(combined.smote), []

    def __enter__(self):
        found, inherited = self.found, self.cls.fit_resample
        self.had_own = "fit_resample" in self.cls.__dict__
        self.saved = self.cls.__dict__.get("fit_resample")

        def recording(obj, X, y):
            r = inherited(obj, X, y)
            found.append(r[1])
            return r

        self.cls.fit_resample = recording
        return found

    def __exit__(self, *exc):
        if self.had_own:
            self.cls.fit_resample = self.saved
        else:
            del self.cls.fit_resample


def cmd_combined(a):
    """Per method and seed 0..seeds-1: class counts after imblearn's SMOTE step and after the
    whole sampler."""
    from imblearn.combine import SMOTEENN, SMOTETomek
    from imblearn.over_sampling import SMOTE

    X, y = load(a)
    out = {"rows": int(len(y)), "counts": [int((y == 0).sum()), int((y == 1).sum())]}
    for method in a.method.split(","):
        cls = {"smoteenn": SMOTEENN, "smotetomek": SMOTETomek}[method]
        after_smote, after_cleaning = [], []
        for seed in range(a.seeds):
            sampler = cls(smote=SMOTE(k_neighbors=a.k, random_state=seed))
            with RecordedResample(sampler) as ys:
                _, yr = sampler.fit_resample(X, y)
            after_smote.append([int((ys[0] == 0).sum()), int((ys[0] == 1).sum())])
            after_cleaning.append([int((yr == 0).sum()), int((yr == 1).sum())])
        out[method] = {"after_smote": after_smote, "after_cleaning": after_cleaning}
    return out


def cmd_counts(a):
    """RandomUnderSampler's class counts (or its error) for each dataset and strategy."""
    from imblearn.under_sampling import RandomUnderSampler

    out = {}
    for path in a.data.split(","):
        y = pd.read_csv(path, usecols=["label"])["label"].to_numpy().astype(np.int64)
        X = np.zeros((len(y), 1))
        res = {}
        for text in a.strategies.split(";"):
            try:
                r = RandomUnderSampler(sampling_strategy=strategy_value(json.loads(text)), random_state=0)
                _, yr = r.fit_resample(X, y)
                res[text] = [int((yr == 0).sum()), int((yr == 1).sum())]
            except Exception as e:  # noqa: BLE001 - the message is the oracle's answer
                res[text] = str(e)
        out[path] = res
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("strategy")
    s.add_argument("--cases", required=True)
    c = sub.add_parser("clean")
    c.add_argument("--strategy", default="auto")
    c.add_argument("--methods", default="tomek,enn_all,enn_mode,nearmiss1,nearmiss2,nearmiss3")
    c.add_argument("--tie-tol", type=float, default=0.0)
    m = sub.add_parser("combined")
    m.add_argument("--method", required=True, help="smoteenn, smotetomek or both, comma-separated")
    m.add_argument("--seeds", type=int, default=5)
    m.add_argument("--k", type=int, default=5)
    n = sub.add_parser("counts")
    n.add_argument("--data", required=True, help="CSV files, comma-separated")
    n.add_argument("--strategies", required=True, help="JSON values separated by ';'")
    for p in (c, m):
        p.add_argument("--data", required=True)
        p.add_argument("--stride", type=int, default=1)
        p.add_argument("--limit", type=int, default=0)
    a = ap.parse_args()
    res = {"strategy": cmd_strategy, "clean": cmd_clean, "combined": cmd_combined, "counts": cmd_counts}[a.cmd](a)
    print(json.dumps(res))


if __name__ == "__main__":
    main()
