#!/usr/bin/python3
"""Reference decision values for svm-accept, from scikit-learn.

scikit-learn's SVC is an independent build of libsvm's solver behind its
own scaling and class-weight code, so it checks what svm-accept does around
libsvm: the scaling (min-max to [-1, 1] from the training range, constant
features to 0; or standardisation with the population deviation), the
class weights (inverse frequency, sklearn's "balanced"), which class is
positive (fail), and the kernel parameters.  Writes
testdata/svm-accept/sklearn-decision.txt: for each record of test.ndjson
the decision value of two models trained on train.ndjson,
  rbf:    svm-accept train              (RBF, C 1, gamma 1/5, min-max)
  linear: svm-accept train -K linear -S standard -c 4 -w 1,3
Run from the repository root: /usr/bin/python3 scripts/mk-svm-ref.py
"""
import json

import numpy as np
from sklearn.svm import SVC

ROOT = "testdata/svm-accept"


def load(path):
    recs = [json.loads(line) for line in open(path)]
    names = sorted(recs[0]["features"])
    x = np.array([[r["features"][n] for n in names] for r in recs], float)
    y = np.array([1 if r["label"] == "fail" else -1 for r in recs])
    return x, y


def minmax(train, x):
    lo, hi = train.min(0), train.max(0)
    span = np.where(hi > lo, hi - lo, 1)
    return np.where(hi > lo, -1 + 2 * (x - lo) / span, 0)


def standard(train, x):
    mean, sd = train.mean(0), train.std(0)
    return np.where(sd > 0, (x - mean) / np.where(sd > 0, sd, 1), 0)


def main():
    xtr, ytr = load(ROOT + "/train.ndjson")
    xte, _ = load(ROOT + "/test.ndjson")
    rbf = SVC(C=1, kernel="rbf", gamma=1 / xtr.shape[1],
              class_weight="balanced", tol=1e-3)
    rbf.fit(minmax(xtr, xtr), ytr)
    lin = SVC(C=4, kernel="linear", class_weight={-1: 1, 1: 3}, tol=1e-3)
    lin.fit(standard(xtr, xtr), ytr)
    assert list(rbf.classes_) == [-1, 1]	# positive decision: fail
    d1 = rbf.decision_function(minmax(xtr, xte))
    d2 = lin.decision_function(standard(xtr, xte))
    with open(ROOT + "/sklearn-decision.txt", "w") as f:
        f.write("# rbf linear (scikit-learn %s)\n" % __import__(
            "sklearn").__version__)
        for a, b in zip(d1, d2):
            f.write("%.9g %.9g\n" % (a, b))


main()
