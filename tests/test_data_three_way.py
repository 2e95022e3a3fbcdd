"""digits_split with a test set: three disjoint, stratified parts; the two-way split is
unchanged by the new argument."""
import numpy as np
import pytest

from course_lib import digits_split, load_digits


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_three_parts_are_disjoint_stratified_and_cover_the_digits(seed):
    X, y = load_digits()
    s = digits_split("stratified", n_val=297, n_test=300, seed=seed)
    sizes = [s.X_train.shape[1], s.X_val.shape[1], s.X_test.shape[1]]
    assert sizes == [1200, 297, 300]
    # every part holds about a tenth of its images in each class (stratified: within 1 image of
    # the class's share of the whole set)
    share = np.bincount(y) / y.size
    for labels in (s.y_train, s.y_val, s.y_test):
        assert np.all(np.abs(np.bincount(labels, minlength=10) - share * labels.size) <= 1.0)
    # disjoint: the multiset of images of the three parts is the whole set's
    parts = np.concatenate([s.X_train, s.X_val, s.X_test], axis=1)
    order = lambda M: M[:, np.lexsort(M[::-1])]     # noqa: E731  (columns in a fixed order)
    np.testing.assert_array_equal(order(parts), order(X))
    np.testing.assert_array_equal(s.Y_test.argmax(axis=0), s.y_test)


def test_without_a_test_set_the_split_is_the_two_way_one():
    a, b = digits_split("stratified", seed=3), digits_split("stratified", seed=3, n_test=0)
    np.testing.assert_array_equal(a.X_val, b.X_val)
    assert b.X_test is None and b.y_test is None and "test" not in repr(b)


def test_the_test_set_depends_on_the_seed_only():
    a = digits_split("stratified", n_val=200, n_test=300, seed=4)
    b = digits_split("stratified", n_val=297, n_test=300, seed=4)
    np.testing.assert_array_equal(a.X_test, b.X_test)


@pytest.mark.parametrize("kwargs, error, words", [
    ({"kind": "seed", "n_test": 300}, ValueError, "no test set"),
    ({"n_test": 5}, ValueError, "n_test"),
    ({"n_val": 1000, "n_test": 800}, ValueError, "n_val \\+ n_test"),
    ({"n_test": 0.2}, TypeError, "n_test"),
    ({"n_test": True}, TypeError, "n_test"),
])
def test_bad_n_test_is_refused(kwargs, error, words):
    with pytest.raises(error, match=words):
        digits_split(**kwargs)
