#!/usr/bin/env python3
"""How well could any weighting of Custos's comparisons link these records?

Reads the candidate pairs that `custos bench match --export-pairs PAIRS.csv --export-csv DIR`
wrote (each pair's field levels and weights under the default model) and the truth
(`DIR/truth.csv`, one row per record in the benchmark's order). Trains a gradient-boosted
classifier on the truth itself, an *oracle* no deployed model can have, and scores both it and
the default model the same way: pairs at or above a threshold joined by union-find, then
pairwise precision, recall and F1 against the true clusters.

Records are split into two folds by a hash of their true cluster, so a person's records stay
together; the classifier is trained on one fold's pairs and scored on the other's. Pairs across
the folds are left out for every model (about half the pairs of two different people, so
precision here reads higher than in `bench match`, whose clustering also refuses some joins:
compare the models with each other, not with that report). True pairs blocking never proposed
count as misses. Three scorers are compared at the same thresholds: the default model, the
oracle, and a *perfect* scorer that joins exactly the candidate pairs of one person (the most
any scorer could do with these candidates).

    bench/.venv/bin/python bench/oracle.py --pairs PAIRS.csv --truth DIR/truth.csv [--out F.json]

Needs numpy and scikit-learn (bench/requirements.txt).
"""

import argparse
import csv
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier

# custos_match::AUTO_LINK_PROBABILITY, the threshold `custos link` merges at.
DEFAULT_THRESHOLD = 0.9
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)


def read_pairs(path: Path):
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        fields = [h[: -len("_level")] for h in header[4::2]]
        levels: list = [{} for _ in fields]
        a, b, same, prob, features = [], [], [], [], []
        for row in reader:
            a.append(int(row[0]))
            b.append(int(row[1]))
            same.append(int(row[2]))
            prob.append(float(row[3]))
            x = []
            for k, field in enumerate(fields):
                x.append(float(row[5 + 2 * k]))
                # Level codes per field (a categorical feature takes at most 255).
                x.append(levels[k].setdefault(row[4 + 2 * k], len(levels[k])))
            features.append(x)
    return np.array(a), np.array(b), np.array(same), np.array(prob), np.array(features, dtype=float)


def read_truth(path: Path) -> np.ndarray:
    with path.open(newline="", encoding="utf-8") as f:
        return np.array([int(r["cluster"]) for r in csv.DictReader(f)])


def clustered_scores(a, b, joined, clusters, members):
    """Pairwise precision, recall and F1 of union-find over the joined pairs, on `members`."""
    parent = np.arange(len(clusters))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for x, y in zip(a[joined], b[joined]):
        rx, ry = root(x), root(y)
        if rx != ry:
            parent[rx] = ry
    roots = [root(i) for i in members]

    def pairs(keys):
        return sum(n * (n - 1) // 2 for n in Counter(keys).values())

    truth = [clusters[i] for i in members]
    return pairs(list(zip(roots, truth))), pairs(roots), pairs(truth)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pairs", type=Path, required=True)
    ap.add_argument("--truth", type=Path, required=True)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()

    a, b, same, prob, x = read_pairs(args.pairs)
    clusters = read_truth(args.truth)
    if len(a) == 0:
        print("no candidate pairs", file=sys.stderr)
        return 1
    if a.max() >= len(clusters) or b.max() >= len(clusters):
        print("the pairs name records the truth does not have: use the same run's files", file=sys.stderr)
        return 1
    if not np.array_equal(clusters[a] == clusters[b], same == 1):
        print("the pairs' same_person disagrees with the truth: use the same run's files", file=sys.stderr)
        return 1

    # The top bit of a multiplicative hash (a low bit of an odd multiple is the id's own parity).
    fold_of_record = ((clusters.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(63)).astype(np.int64)
    fold = np.where(fold_of_record[a] == fold_of_record[b], fold_of_record[a], -1)
    categorical = [k % 2 == 1 for k in range(x.shape[1])]
    oracle = np.full(len(a), np.nan)
    for k in (0, 1):
        train, test = fold == 1 - k, fold == k
        model = HistGradientBoostingClassifier(max_iter=300, categorical_features=categorical, random_state=0)
        oracle[test] = model.fit(x[train], same[train]).predict_proba(x[test])[:, 1]

    def score(probabilities, threshold):
        total = np.zeros(3, dtype=np.int64)
        for k in (0, 1):
            members = np.flatnonzero(fold_of_record == k)
            joined = (fold == k) & (probabilities >= threshold)
            total += clustered_scores(a, b, joined, clusters, members)
        both, predicted, true = total
        precision = both / predicted if predicted else 0.0
        recall = both / true if true else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"threshold": threshold, "precision": precision, "recall": recall, "f1": f1}

    report = {
        "pairs": int(len(a)),
        "pairs_within_folds": int((fold >= 0).sum()),
        "default_at_auto_link": score(prob, DEFAULT_THRESHOLD),
        "default": [score(prob, t) for t in THRESHOLDS],
        "oracle": [score(oracle, t) for t in THRESHOLDS],
        "perfect_scorer": score(same.astype(float), 1.0),
    }

    def line(name, s):
        print(f"{name}: precision {s['precision']:.4f} recall {s['recall']:.4f} F1 {s['f1']:.4f}")

    line(f"default model at {DEFAULT_THRESHOLD}", report["default_at_auto_link"])
    best = max(report["default"], key=lambda s: s["f1"])
    line(f"default model, best threshold ({best['threshold']})", best)
    best = max(report["oracle"], key=lambda s: s["f1"])
    line(f"oracle (trained on the truth), best threshold ({best['threshold']})", best)
    line("perfect scorer on these candidates", report["perfect_scorer"])
    if args.out:
        args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
