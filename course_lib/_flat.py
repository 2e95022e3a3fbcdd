"""A network's parameters (and its gradients) as views into one contiguous array.

An optimizer step is a few elementwise operations per parameter array, and a network has many
small arrays (W, b, γ, β per layer): the seed's network has 12, each a few hundred numbers at
most, so a step pays numpy's per-call cost a hundred times over. When every array of
net.params is a view into one 1-D array, and the gradients are too, in the same order, the
optimizer can update all of them with one call per operation (optimizers.Optimizer.step): the
same elementwise operations on the same numbers, so the same results to the last bit
(tests/test_flat.py). torch.optim's "foreach" implementations do the same for the same reason.

FlatDict is an ordinary dict {name: array} to everyone else. Putting a different array under a
name (net.params["W1"] = new_array), deleting or adding one detaches the dict from its flat
array (`flat` becomes None) and everything takes the per-array path again; changing an array in
place (net.params["W1"] *= 2) keeps the views. A deep copy or a pickle is one new array with
views into it again.
"""
import copy

import numpy as np


def layout_of(arrays):
    """((name, start, stop, shape), ...) for arrays {name: array} laid end to end."""
    layout, start = [], 0
    for name, a in arrays.items():
        layout.append((name, start, start + a.size, a.shape))
        start += a.size
    return tuple(layout)


class FlatDict(dict):
    """{name: view} over `flat`, a contiguous 1-D array, as described by `layout`."""

    def __init__(self, flat, layout):
        super().__init__((name, flat[a:b].reshape(shape)) for name, a, b, shape in layout)
        self.flat, self.layout = flat, layout

    @classmethod
    def packed(cls, arrays, dtype):
        """A FlatDict holding copies of arrays {name: array}, in dtype."""
        layout = layout_of(arrays)
        flat = np.empty(layout[-1][2] if layout else 0, dtype=dtype)
        for name, a, b, _ in layout:
            flat[a:b] = arrays[name].ravel()
        return cls(flat, layout)

    # -- anything that puts another array in, or takes one out, detaches -------------------
    def _detach(self):
        self.flat = None

    def __setitem__(self, key, value):
        if self.flat is not None and not (key in self and dict.__getitem__(self, key) is value):
            self._detach()
        dict.__setitem__(self, key, value)

    def __delitem__(self, key):
        self._detach()
        dict.__delitem__(self, key)

    def __ior__(self, other):
        self._detach()
        return dict.__ior__(self, other)

    def pop(self, *args):
        self._detach()
        return dict.pop(self, *args)

    def popitem(self):
        self._detach()
        return dict.popitem(self)

    def clear(self):
        self._detach()
        dict.clear(self)

    def update(self, *args, **kwargs):
        self._detach()
        dict.update(self, *args, **kwargs)

    def setdefault(self, key, default=None):
        if key not in self:
            self._detach()
        return dict.setdefault(self, key, default)

    # -- copies: a deep copy or a pickle is one new array with views into it, a shallow copy the
    # same arrays; a detached dict copies as a plain dict ------------------------------------
    def __reduce__(self):
        if self.flat is None:
            return dict, (dict(self),)
        return FlatDict, (self.flat, self.layout)

    def __copy__(self):
        if self.flat is None:
            return dict(self)
        new = FlatDict.__new__(FlatDict)
        dict.update(new, self)
        new.flat, new.layout = self.flat, self.layout
        return new

    copy = __copy__

    def __deepcopy__(self, memo):
        if self.flat is None:
            return copy.deepcopy(dict(self), memo)
        new = FlatDict(self.flat.copy(), self.layout)
        memo[id(self.flat)] = new.flat
        for name in self:                   # another reference to a view gets the new view
            memo[id(dict.__getitem__(self, name))] = dict.__getitem__(new, name)
        return new
