"""The numbers behind notebook 12's claims, where they are cheap to recompute (the notebook
re-checks all of them, the 5000-iteration recipe included, when nbval runs it).

Statistics are over 5 seeds × 3 stratified splits of 1200 / 297 / 300 images, as in the
notebook; the bounds are the notebook's, with the margins it asserts."""
import numpy as np
import pytest
from sklearn.neighbors import KNeighborsClassifier
from sklearn.svm import SVC

from course_lib import default_setup, digits_split, train

SPLITS, SEEDS = (0, 1, 2), (0, 1, 2, 3, 4)


@pytest.fixture(scope="module")
def splits():
    return {k: digits_split("stratified", n_val=297, n_test=300, seed=k) for k in SPLITS}


@pytest.fixture(scope="module")
def runs(splits):
    """{(split, seed): (trained net, initial W¹)}: the course's defaults, measured at the end."""
    out = {}
    for k, sp in splits.items():
        for s in SEEDS:
            net, opt = default_setup(seed=s)
            W1 = net.params["W1"].copy()
            train(net, opt, sp.X_train, sp.Y_train, sp.X_val, sp.Y_val, seed=s, progress=False,
                  eval_every=15)
            out[k, s] = net, W1
    return out


def logit_parts(net, sp):
    """(cost, spread, head start): C = ln 10 + spread − head start, averaged over the images."""
    zs, _ = net.feedforward(sp.X_train, train=True)
    zc = zs[-1] - zs[-1].mean(axis=0)
    spread = np.mean(np.log(np.mean(np.exp(zc), axis=0)))
    head = np.mean(zc[sp.y_train, np.arange(zc.shape[1])])
    return net.cost_value(sp.X_train, sp.Y_train, train=True), spread, head


def test_the_cost_before_training_is_ln10_plus_the_spread_minus_the_head_start(splits):
    parts = np.array([logit_parts(default_setup(seed=s)[0], splits[k])
                      for k in SPLITS for s in SEEDS])
    C, spread, head = parts.T
    np.testing.assert_allclose(C, np.log(10) + spread - head, atol=1e-9)    # exact identity
    assert 0.15 < spread.mean() < 0.3 and np.all(spread > 0)
    assert abs(head.mean()) < 2 * head.std(ddof=1) / np.sqrt(head.size)  # 0 on average
    assert 2.4 < C.mean() < 2.7                                           # above ln 10 = 2.30


def test_small_logits_start_at_ln10(splits):
    net, _ = default_setup(seed=0)
    net.params["W3"] *= 0.01
    assert abs(net.cost_value(splits[0].X_train, splits[0].Y_train, train=True) - np.log(10)) < 1e-3


def test_the_defaults_reach_97_to_99_percent_not_always_98(splits, runs):
    val = np.array([runs[k, s][0].accuracy(splits[k].X_val, splits[k].y_val)
                    for k in SPLITS for s in SEEDS])
    test = np.array([runs[k, s][0].accuracy(splits[k].X_test, splits[k].y_test)
                     for k in SPLITS for s in SEEDS])
    assert 0.97 <= val.mean() <= 0.99 and val.std(ddof=1) < 0.01 and val.min() < 0.98
    assert 297 * (val.max() - val.min()) <= 6
    assert abs(test.mean() - val.mean()) < 0.005


def test_svm_and_nearest_neighbours_beat_the_network(splits, runs):
    for part in ("val", "test"):
        scores = {name: np.mean([make.fit(splits[k].X_train.T, splits[k].y_train).score(
                      getattr(splits[k], f"X_{part}").T, getattr(splits[k], f"y_{part}"))
                      for k in SPLITS])
                  for name, make in (("SVM", SVC(gamma=0.256)), ("3-NN", KNeighborsClassifier(3)))}
        net = np.mean([runs[k, s][0].accuracy(getattr(splits[k], f"X_{part}"),
                                              getattr(splits[k], f"y_{part}"))
                       for k in SPLITS for s in SEEDS])
        assert net < min(scores.values()) and 0.005 <= scores["SVM"] - net <= 0.02, (part, scores)


def test_the_first_layer_stays_close_to_its_start(splits, runs):
    corr = [np.corrcoef(net.params["W1"].ravel(), W1.ravel())[0, 1] for net, W1 in runs.values()]
    assert 0.85 < min(corr) and max(corr) < 0.95
    # a pixel that is 0 in every training image gives its weights no gradient: no change at all
    for (k, _), (net, W1) in runs.items():
        blank = np.flatnonzero(np.all(splits[k].X_train == 0, axis=1))
        assert blank.size >= 3 and np.all(net.params["W1"][:, blank] == W1[:, blank])


def test_the_articles_last_297_images_are_harder():
    seed_split = digits_split("seed")
    for make in (SVC(gamma=0.256), KNeighborsClassifier(3)):
        score = make.fit(seed_split.X_train.T, seed_split.y_train).score(seed_split.X_val.T,
                                                                         seed_split.y_val)
        assert 0.95 <= score <= 0.965
