"""scikit-learn's 8×8 digits in the column convention: X has shape (64, m), pixels in [0, 1].

scikit-learn's arrays are (m, 64); they are transposed here, once, at the data boundary.
"""
from dataclasses import dataclass

import numpy as np
from sklearn.datasets import load_digits as _sk_load_digits
from sklearn.model_selection import train_test_split

from ._checks import choice
from .network import one_hot

N_CLASSES = 10


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
        297 for validation (`n_val` and `seed` are not used).
    """
    choice(kind, ("stratified", "seed"), "split kind")
    X, y = load_digits()
    if kind == "seed":
        train, val = np.arange(1500), np.arange(1500, X.shape[1])
    else:
        train, val = train_test_split(np.arange(X.shape[1]), test_size=n_val, stratify=y,
                                      random_state=seed)
    return Split(X[:, train], one_hot(y[train], N_CLASSES), y[train],
                 X[:, val], one_hot(y[val], N_CLASSES), y[val], kind)
