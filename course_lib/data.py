"""scikit-learn's 8×8 digits in the column convention: X has shape (64, m), pixels in [0, 1].

scikit-learn's arrays are (m, 64); they are transposed here, once, at the data boundary.
"""
import numbers
from dataclasses import dataclass

import numpy as np
from sklearn.datasets import load_digits as _sk_load_digits
from sklearn.model_selection import train_test_split

from ._checks import InputTypeError, choice, seed as _seed
from .network import one_hot

N_CLASSES = 10
N_IMAGES = 1797
SEED_SPLIT = (1500, 297)   # the source article's split: the first 1500 images, the last 297


@dataclass
class Split:
    """A train/validation split, with a test set when asked for. X_*: (64, m); Y_*: one-hot
    (10, m); y_*: labels (m,). Without a test set, X_test, Y_test and y_test are None."""

    X_train: np.ndarray
    Y_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    Y_val: np.ndarray
    y_val: np.ndarray
    kind: str
    X_test: np.ndarray | None = None
    Y_test: np.ndarray | None = None
    y_test: np.ndarray | None = None

    def __repr__(self):
        test = "" if self.X_test is None else f", test X {self.X_test.shape}"
        return (f"Split({self.kind}: train X {self.X_train.shape}, "
                f"validation X {self.X_val.shape}{test})")


def load_digits():
    """(X, y): X of shape (64, 1797) with pixel values scaled from 0..16 to [0, 1], labels y (1797,)."""
    digits = _sk_load_digits()
    return digits.data.T / 16.0, digits.target.astype(np.int64)


def digits_split(kind="stratified", n_val=297, seed=0, n_test=0):
    """Split the digits into train and validation sets (and a test set if n_test > 0).

    kind="stratified": scikit-learn's train_test_split with stratify=y and random_state=seed,
        n_val validation images, every class in the same proportion in both parts. With
        n_test > 0, n_test test images are drawn first the same way, then the validation
        images from the rest: three disjoint, stratified parts.
    kind="seed": the source article's split, the first 1500 images for training and the last
        297 for validation (`n_val` and `seed` are not used: other values than the defaults are
        refused rather than ignored).
    n_val: a whole number of images in 10..1787 (each side needs every class at least once);
    n_test: 0 or a whole number ≥ 10, with n_val + n_test ≤ 1787;
    seed: an integer in 0..2³²−1.
    """
    choice(kind, ("stratified", "seed"), "split kind")
    integral = isinstance(n_val, numbers.Integral) and not isinstance(n_val, bool)
    if not (isinstance(n_test, numbers.Integral) and not isinstance(n_test, bool)):
        raise InputTypeError(f"Invalid n_test: {n_test!r}; expected 0 (no test set) or a whole "
                             "number of test images")
    if kind == "seed" and n_test != 0:
        raise ValueError(f"n_test={n_test!r} with kind='seed': the source article's split has no "
                         "test set; expected n_test=0, or kind='stratified'")
    if n_test != 0 and not (N_CLASSES <= n_test and integral and n_val + n_test <= N_IMAGES - N_CLASSES):
        raise ValueError(f"Invalid n_test: {n_test!r} (with n_val={n_val!r}); expected 0 or a whole "
                         f"number ≥ {N_CLASSES} with n_val + n_test ≤ {N_IMAGES - N_CLASSES} (every "
                         "part needs every class)")
    if kind == "seed":
        if not (integral and n_val == SEED_SPLIT[1]):
            raise ValueError(f"n_val={n_val!r} is not used by kind='seed' (the source article's "
                             f"split: the first {SEED_SPLIT[0]} images for training, the last "
                             f"{SEED_SPLIT[1]} for validation); expected the default, or kind='stratified'")
        if not (isinstance(seed, numbers.Integral) and not isinstance(seed, bool) and seed == 0):
            raise ValueError(f"seed={seed!r} is not used by kind='seed' (a fixed split, nothing is "
                             "random); expected the default 0, or kind='stratified'")
    else:
        lo, hi = N_CLASSES, N_IMAGES - N_CLASSES
        if not integral:
            hint = (f" (for a fraction, pass n_val=round({n_val} * {N_IMAGES}))"
                    if isinstance(n_val, float) and 0 < n_val < 1 else "")
            raise InputTypeError(f"Invalid n_val: {n_val!r}; expected a whole number of validation "
                                 f"images in {lo}..{hi}{hint}")
        if not lo <= n_val <= hi:
            raise ValueError(f"Invalid n_val: {n_val!r}; expected a whole number of validation "
                             f"images in {lo}..{hi} (both parts need every one of the "
                             f"{N_CLASSES} classes)")
        seed = _seed(seed, maximum=2 ** 32 - 1)
        if seed is None:
            raise InputTypeError("Invalid seed: None; expected an integer ≥ 0 (the split is "
                                 "seeded so that it can be repeated)")
    X, y = load_digits()
    rest, test = np.arange(X.shape[1]), None
    if kind == "seed":
        train, val = np.arange(SEED_SPLIT[0]), np.arange(SEED_SPLIT[0], X.shape[1])
    else:
        if n_test:
            rest, test = train_test_split(rest, test_size=int(n_test), stratify=y,
                                          random_state=seed)
        train, val = train_test_split(rest, test_size=int(n_val), stratify=y[rest],
                                      random_state=seed)
    parts = [(X[:, idx], one_hot(y[idx], N_CLASSES), y[idx]) for idx in (train, val)]
    tested = (X[:, test], one_hot(y[test], N_CLASSES), y[test]) if test is not None else ()
    return Split(*parts[0], *parts[1], kind, *tested)
