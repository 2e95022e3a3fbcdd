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
    """A train/validation split. X_*: (64, m); Y_*: one-hot (10, m); y_*: labels (m,)."""

    X_train: np.ndarray
    Y_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    Y_val: np.ndarray
    y_val: np.ndarray
    kind: str

    def __repr__(self):
        return (f"Split({self.kind}: train X {self.X_train.shape}, "
                f"validation X {self.X_val.shape})")


def load_digits():
    """(X, y): X of shape (64, 1797) with pixel values scaled from 0..16 to [0, 1], labels y (1797,)."""
    digits = _sk_load_digits()
    return digits.data.T / 16.0, digits.target.astype(np.int64)


def digits_split(kind="stratified", n_val=297, seed=0):
    """Split the digits into train and validation sets.

    kind="stratified": scikit-learn's train_test_split with stratify=y and random_state=seed,
        n_val validation images, every class in the same proportion in both parts.
    kind="seed": the source article's split, the first 1500 images for training and the last
        297 for validation (`n_val` and `seed` are not used: other values than the defaults are
        refused rather than ignored).
    n_val: a whole number of images in 10..1787 (each side needs every class at least once);
    seed: an integer in 0..2³²−1.
    """
    choice(kind, ("stratified", "seed"), "split kind")
    integral = isinstance(n_val, numbers.Integral) and not isinstance(n_val, bool)
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
    if kind == "seed":
        train, val = np.arange(SEED_SPLIT[0]), np.arange(SEED_SPLIT[0], X.shape[1])
    else:
        train, val = train_test_split(np.arange(X.shape[1]), test_size=int(n_val), stratify=y,
                                      random_state=seed)
    return Split(X[:, train], one_hot(y[train], N_CLASSES), y[train],
                 X[:, val], one_hot(y[val], N_CLASSES), y[val], kind)
