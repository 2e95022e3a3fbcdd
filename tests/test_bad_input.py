"""Every public function answers bad input with a ValueError or TypeError whose message names the
argument (and the value, or its type or shape, and what was expected); the normal paths keep
working. One row per case: the call, the error type, a regex the message must match.

A wrong type raises course_lib's InputTypeError, which is a TypeError and a ValueError at once.
"""
import warnings

import numpy as np
import pytest

from course_lib import (MLP, SGD, AdaGrad, Adam, RMSprop, batchnorm, check_params, default_setup,
                        digits_split, gradient_check, load_digits, numerical_gradient, one_hot,
                        train)
from course_lib.batchnorm import BNCache

RNG = np.random.default_rng(0)
X = RNG.normal(size=(4, 6))
y = np.array([0, 1, 1, 0, 1, 0])
Y = one_hot(y, 2)
Z = RNG.normal(size=(3, 5))                     # a BatchNorm batch: 3 units, 5 examples
G1, B0 = np.ones((3, 1)), np.zeros((3, 1))      # γ and β


def net(**kw):
    return MLP([4, 3, 2], seed=0, **kw)


def with_nan(A, where=(0, 0), value=np.nan):
    A = np.array(A, dtype=float)
    A[where] = value
    return A


def readonly(A):
    A = np.array(A, dtype=float)
    A.flags.writeable = False
    return A


def fit(**kw):
    """train() on small data, with keyword changes to its arguments."""
    args = dict(net=net(), optimizer=SGD(0.1), X_train=X, Y_train=y, X_val=X, Y_val=y, epochs=1,
                batch_size=4, progress=False)
    args.update(kw)
    return train(**args)


def step(params, grads, opt=None):
    return (opt or SGD(0.1)).step(params, grads)


def cache(n=3, m=5, **change):
    """A BNCache from forward, with fields replaced."""
    _, c = batchnorm.forward(RNG.normal(size=(n, m)), np.ones((n, 1)), np.zeros((n, 1)))
    for k, v in change.items():
        setattr(c, k, v)
    return c


def two_networks(opt, second_sizes=(4, 3, 2)):
    a, b = net(), MLP(list(second_sizes), seed=1)
    opt.step(a.params, a.backprop(X, y)[1])
    Xb = RNG.normal(size=(second_sizes[0], 6))
    opt.step(b.params, b.backprop(Xb, y)[1])


def reuse_optimizer_in_train():
    opt = SGD(0.1, momentum=0.9)
    fit(optimizer=opt)
    fit(optimizer=opt)        # a new network (fit makes one) with the first one's optimizer


def replaced_parameter_shape():
    opt, params = SGD(0.1, momentum=0.9), {"x": np.zeros(2)}
    opt.step(params, {"x": np.ones(2)})
    params["x"] = np.zeros(3)           # the same dict, a parameter of another shape
    opt.step(params, {"x": np.ones(3)})


def set_lr(value):
    SGD(0.1).lr = value


def nan_params_train():
    n = net()
    n.params["W1"][0, 0] = np.nan
    fit(net=n)


class DuckOptimizer:
    lr = -1.0

    def step(self, params, grads):
        pass


T, V = TypeError, ValueError

CASES = [
    # -- MLP(...) --------------------------------------------------------------------------
    ("sizes None", lambda: MLP(None), T, r"sizes must be a list.*NoneType"),
    ("sizes string", lambda: MLP("64,10"), T, r"sizes must be a list.*str"),
    ("sizes int", lambda: MLP(5), T, r"sizes must be a list.*int 5"),
    ("sizes dict", lambda: MLP({4: 2}), T, r"sizes must be a list"),
    ("sizes one layer", lambda: MLP([4]), V, r"sizes \[4\] has 1 layer"),
    ("sizes zero width", lambda: MLP([4, 0, 2]), V, r"sizes .* contains 0"),
    ("sizes bool width", lambda: MLP([4, True, 2]), V, r"sizes .* contains True"),
    ("sizes float width", lambda: MLP([4, 2.0, 2]), V, r"sizes .* contains 2\.0"),
    ("sizes str width", lambda: MLP([4, "3", 2]), V, r"sizes .* contains '3'"),
    ("sizes None width", lambda: MLP([4, None, 2]), V, r"sizes .* contains None"),
    ("sizes too big", lambda: MLP([10 ** 5, 10 ** 5, 2]), V, r"sizes .* weights and biases"),
    ("seed -1", lambda: MLP([4, 2], seed=-1), V, r"Invalid seed: -1; expected an integer ≥ 0"),
    ("seed 'abc'", lambda: MLP([4, 2], seed="abc"), T, r"Invalid seed: 'abc'"),
    ("seed float", lambda: MLP([4, 2], seed=1.5), T, r"Invalid seed: 1\.5"),
    ("seed bool", lambda: MLP([4, 2], seed=True), T, r"Invalid seed: True"),
    ("activation None", lambda: MLP([4, 3, 2], activation=None), T, r"activation must be a name"),
    ("activation int", lambda: MLP([4, 3, 2], activation=5), T, r"activation must be a name.*int 5"),
    ("activation list too long", lambda: MLP([4, 3, 2], activation=["relu", "tanh"]), V,
     r"activation .* names 2 layer"),
    ("activation list of None", lambda: MLP([4, 3, 2], activation=[None]), V,
     r"Unknown activation None"),
    ("activation unknown", lambda: MLP([4, 3, 2], activation="swish"), V, r"Unknown activation 'swish'"),
    ("output None", lambda: MLP([4, 2], output=None), V, r"Unknown output activation None"),
    ("output list", lambda: MLP([4, 2], output=["softmax"]), V, r"Unknown output activation"),
    ("cost None", lambda: MLP([4, 2], cost=None), V, r"Unknown cost None"),
    ("cost dict", lambda: MLP([4, 2], cost={}), V, r"Unknown cost \{\}"),
    ("batch_norm 'yes'", lambda: MLP([4, 3, 2], batch_norm="yes"), V, r"batch_norm 'yes'"),
    ("batch_norm 1", lambda: MLP([4, 3, 2], batch_norm=1), V, r"batch_norm 1; expected False"),
    ("batch_norm None", lambda: MLP([4, 3, 2], batch_norm=None), V, r"batch_norm None"),
    ("bn_momentum 1.5", lambda: MLP([4, 3, 2], bn_momentum=1.5), V, r"bn_momentum: 1\.5"),
    ("bn_momentum negative", lambda: MLP([4, 3, 2], bn_momentum=-0.1), V, r"bn_momentum: -0\.1"),
    ("bn_momentum str", lambda: MLP([4, 3, 2], bn_momentum="0.1"), T, r"bn_momentum: '0\.1'"),
    ("bn_eps 0", lambda: MLP([4, 3, 2], bn_eps=0), V, r"bn_eps: 0"),
    ("bn_eps nan", lambda: MLP([4, 3, 2], bn_eps=np.nan), V, r"bn_eps: nan"),
    ("dtype float16", lambda: MLP([4, 2], dtype="float16"), V, r"dtype: 'float16'"),
    ("dtype None", lambda: MLP([4, 2], dtype=None), V, r"dtype: None"),
    ("dtype int", lambda: MLP([4, 2], dtype=int), V, r"dtype: <class 'int'>"),

    # -- X for forward / predict / backprop / cost_value / accuracy ----------------------------
    ("forward 0 examples", lambda: net().forward(np.zeros((4, 0))), V, r"X has shape \(4, 0\): 0 examples"),
    ("backprop 0 examples", lambda: net().backprop(np.zeros((4, 0)), np.zeros(0, int)), V,
     r"X has shape \(4, 0\)"),
    ("cost_value 0 examples", lambda: net().cost_value(np.zeros((4, 0)), np.zeros((2, 0))), V,
     r"X has shape \(4, 0\)"),
    ("predict 0 examples", lambda: net().predict(np.zeros((4, 0))), V, r"X has shape \(4, 0\)"),
    ("accuracy 0 examples", lambda: net().accuracy(np.zeros((4, 0)), []), V, r"X has shape \(4, 0\)"),
    ("X wrong rows", lambda: net().forward(np.zeros((5, 3))), V, r"X has shape \(5, 3\); expected \(4, m\)"),
    ("X 1-D", lambda: net().forward(np.zeros(4)), V, r"X must be 2-D .* got shape \(4,\).*reshape"),
    ("X 3-D", lambda: net().forward(np.zeros((4, 2, 2))), V, r"X must be 2-D .* got shape \(4, 2, 2\)"),
    ("X None", lambda: net().forward(None), T, r"X is None"),
    ("X string", lambda: net().forward("abc"), T, r"X must be an array of numbers; got str"),
    ("X numeric strings", lambda: net().forward(np.full((4, 2), "1.5")), T, r"X .* dtype <U3"),
    ("X complex", lambda: net().forward(np.ones((4, 2)) * 1j), T, r"X has dtype complex128"),
    ("X object with None", lambda: net().forward(np.array([[1.0, None]] * 4, dtype=object)), T,
     r"X must be an array of numbers.*dtype object"),
    ("X ragged list", lambda: net().forward([[1.0, 2.0], [3.0]]), T, r"X must be an array of numbers"),
    ("X dict", lambda: net().forward({"a": 1}), T, r"X must be an array of numbers; got dict"),
    ("X datetime", lambda: net().forward(np.full((4, 2), np.datetime64("2020-01-01"))), T,
     r"X .* dtype datetime64"),
    ("X masked", lambda: net().forward(np.ma.masked_array(X, mask=X > 1)), T, r"X is a numpy masked array"),
    ("X NaN", lambda: net().forward(with_nan(X)), V, r"X contains 1 NaN or inf"),
    ("X inf", lambda: net().backprop(with_nan(X, value=np.inf), y), V, r"X contains 1 NaN or inf"),
    ("X beyond float32 (forward)", lambda: net(dtype="float32").forward(with_nan(X, value=1e39)), V,
     r"X holds values up to 1e\+39, beyond float32's range"),
    ("X beyond float32 (backprop)", lambda: net(dtype="float32").backprop(with_nan(X, value=-1e300), y),
     V, r"X holds values up to 1e\+300, beyond float32's range"),
    ("forward train 'yes'", lambda: net().forward(X, train="yes"), T, r"Invalid train: 'yes'; expected True or False"),
    ("forward train None", lambda: net(batch_norm=True).forward(X, train=None), T, r"Invalid train: None"),
    ("cost_value train 1", lambda: net().cost_value(X, y, train=1), T, r"Invalid train: 1"),
    ("backprop update_stats 'no'", lambda: net().backprop(X, y, update_stats="no"), T,
     r"Invalid update_stats: 'no'"),
    ("BatchNorm backprop of one example", lambda: net(batch_norm=True).backprop(X[:, :1], y[:1]), V,
     r"X has shape \(4, 1\): a batch of one example; backprop with BatchNorm"),

    # -- Y and labels ----------------------------------------------------------------------
    ("labels wrong length", lambda: net().backprop(X, [0, 1]), V, r"labels have shape \(2,\); expected \(6,\)"),
    ("labels bool", lambda: net().backprop(X, y.astype(bool)), T, r"labels has dtype bool"),
    ("labels fractional", lambda: net().backprop(X, y + 0.5), V, r"labels must be whole numbers"),
    ("labels NaN", lambda: net().backprop(X, with_nan(y, 0)), V, r"labels must be whole numbers"),
    ("labels too large", lambda: net().backprop(X, y + 1), V, r"labels must lie in 0\.\.1; got 2"),
    ("labels negative", lambda: net().backprop(X, y - 1), V, r"labels must lie in 0\.\.1; got -1"),
    ("labels huge float", lambda: net().backprop(X, np.full(6, 1e20)), V, r"labels must lie in 0\.\.1; got 1e\+20"),
    ("labels strings", lambda: net().backprop(X, list("abcdef")), T, r"labels must be integers 0\.\.1; got dtype <U1"),
    ("labels masked", lambda: net().backprop(X, np.ma.masked_array(y, mask=y > 0)), T,
     r"Y is a numpy masked array"),
    ("Y None", lambda: net().backprop(X, None), T, r"Y is None"),
    ("Y wrong shape", lambda: net().backprop(X, np.zeros((2, 2))), V, r"Y has shape \(2, 2\); expected \(2, 6\)"),
    ("Y 3-D", lambda: net().backprop(X, np.zeros((2, 6, 1))), V, r"Y must be 2-D"),
    ("Y all-zero (cross_entropy)", lambda: net().backprop(X, np.zeros((2, 6))), V,
     r"Y's column 0 sums to 0; cross_entropy targets are probabilities"),
    ("Y negative (cross_entropy)", lambda: net().backprop(X, 2 * Y - 1), V,
     r"Y has a negative entry -1 .*cross_entropy"),
    ("Y column sums to 2", lambda: net().backprop(X, 2 * Y), V, r"Y's column 0 sums to 2"),
    ("Y NaN", lambda: net().backprop(X, with_nan(Y)), V, r"Y contains 1 NaN or inf"),
    ("Y complex", lambda: net().backprop(X, Y + 0j), T, r"Y has dtype complex128"),
    ("Y all-zero (cost_value)", lambda: net().cost_value(X, np.zeros((2, 6))), V, r"Y's column 0 sums to 0"),
    ("Y above 1 (binary_cross_entropy)",
     lambda: net(output="sigmoid", cost="binary_cross_entropy").backprop(X, 2 * Y), V,
     r"Y has the entry 2 .* binary_cross_entropy targets .* in \[0, 1\]"),
    ("Y negative (binary_cross_entropy)",
     lambda: net(output="sigmoid", cost="binary_cross_entropy").cost_value(X, -Y), V,
     r"Y has the entry -1 .* binary_cross_entropy"),
    ("Y beyond float32 (quadratic)",
     lambda: net(output="identity", cost="quadratic", dtype="float32").backprop(X, 1e39 * Y), V,
     r"Y holds values up to 1e\+39, beyond float32's range"),

    # -- accuracy --------------------------------------------------------------------------
    ("accuracy one label", lambda: net().accuracy(X, [1]), V, r"y has shape \(1,\); expected \(6,\)"),
    ("accuracy too many labels", lambda: net().accuracy(X, np.zeros(7, int)), V, r"y has shape \(7,\); expected \(6,\)"),
    ("accuracy one-hot y", lambda: net().accuracy(X, Y), V, r"y must be 1-D.*argmax"),
    ("accuracy scalar y", lambda: net().accuracy(X, 1), V, r"y must be 1-D.*shape \(\)"),
    ("accuracy bool y", lambda: net().accuracy(X, y == 1), T, r"y has dtype bool"),
    ("accuracy y out of range", lambda: net().accuracy(X, y + 5), V, r"y must lie in 0\.\.1; got 5"),
    ("accuracy y None", lambda: net().accuracy(X, None), T, r"y is None"),

    # -- one_hot ---------------------------------------------------------------------------
    ("one_hot k 0", lambda: one_hot([0], 0), V, r"Invalid k \(the number of classes\): 0"),
    ("one_hot k negative", lambda: one_hot([0], -1), V, r"Invalid k .*: -1"),
    ("one_hot k float", lambda: one_hot([0], 2.5), T, r"Invalid k .*: 2\.5"),
    ("one_hot k str", lambda: one_hot([0], "10"), T, r"Invalid k .*: '10'"),
    ("one_hot k bool", lambda: one_hot([0], True), T, r"Invalid k .*: True"),
    ("one_hot k None", lambda: one_hot([0], None), T, r"Invalid k .*: None"),
    ("one_hot y 2-D", lambda: one_hot([[0, 1]], 2), V, r"y must be 1-D"),
    ("one_hot y out of range", lambda: one_hot([3, 10], 10), V, r"y must lie in 0\.\.9; got 10"),
    ("one_hot y bool", lambda: one_hot([True, False], 2), T, r"y has dtype bool"),
    ("one_hot y fractional", lambda: one_hot([0.5], 2), V, r"y must be whole numbers"),
    ("one_hot y None", lambda: one_hot(None, 2), T, r"y is None"),
    ("one_hot k huge", lambda: one_hot([0, 1], 10 ** 9), V, r"one_hot of 2 labels with k=1000000000 classes"),

    # -- digits_split, load_digits ---------------------------------------------------------
    ("split kind unknown", lambda: digits_split("random"), V, r"Unknown split kind 'random'"),
    ("split kind None", lambda: digits_split(None), V, r"Unknown split kind None"),
    ("split kind list", lambda: digits_split(["seed"]), V, r"Unknown split kind \['seed'\]"),
    ("split kind capitalized", lambda: digits_split("Stratified"), V, r"Unknown split kind 'Stratified'"),
    ("n_val fraction", lambda: digits_split(n_val=0.2), T, r"Invalid n_val: 0\.2.*round\(0\.2 \* 1797\)"),
    ("n_val 0", lambda: digits_split(n_val=0), V, r"Invalid n_val: 0; expected .* 10\.\.1787"),
    ("n_val below the classes", lambda: digits_split(n_val=5), V, r"Invalid n_val: 5"),
    ("n_val all images", lambda: digits_split(n_val=1797), V, r"Invalid n_val: 1797"),
    ("n_val negative", lambda: digits_split(n_val=-3), V, r"Invalid n_val: -3"),
    ("n_val str", lambda: digits_split(n_val="297"), T, r"Invalid n_val: '297'"),
    ("n_val bool", lambda: digits_split(n_val=True), T, r"Invalid n_val: True"),
    ("split seed -1", lambda: digits_split(seed=-1), V, r"Invalid seed: -1"),
    ("split seed 2**32", lambda: digits_split(seed=2 ** 32), V, r"Invalid seed: 4294967296.*≤ 4294967295"),
    ("split seed str", lambda: digits_split(seed="x"), T, r"Invalid seed: 'x'"),
    ("split seed None", lambda: digits_split(seed=None), T, r"Invalid seed: None"),
    ("seed split with n_val", lambda: digits_split("seed", n_val=100), V, r"n_val=100 is not used by kind='seed'"),
    ("seed split with seed", lambda: digits_split("seed", seed=3), V, r"seed=3 is not used by kind='seed'"),
    ("load_digits positional", lambda: load_digits(10), T, r"load_digits\(\) takes 0 positional arguments"),
    ("load_digits keyword", lambda: load_digits(n_class=5), T, r"load_digits\(\) got an unexpected keyword argument 'n_class'"),

    # -- optimizers: hyperparameters ---------------------------------------------------------
    ("lr 0", lambda: SGD(lr=0.0), V, r"Invalid learning rate \(lr\): 0\.0; expected a finite number > 0"),
    ("lr negative", lambda: SGD(lr=-1), V, r"learning rate \(lr\): -1"),
    ("lr inf", lambda: Adam(lr=np.inf), V, r"learning rate \(lr\): inf"),
    ("lr nan", lambda: RMSprop(lr=np.nan), V, r"learning rate \(lr\): nan"),
    ("lr str", lambda: SGD(lr="0.1"), T, r"learning rate \(lr\): '0\.1'"),
    ("lr None", lambda: AdaGrad(lr=None), T, r"learning rate \(lr\): None"),
    ("lr bool", lambda: SGD(lr=True), T, r"learning rate \(lr\): True"),
    ("lr list", lambda: SGD(lr=[0.1]), T, r"learning rate \(lr\): \[0\.1\]"),
    ("lr set to 0 later", lambda: set_lr(0), V, r"learning rate \(lr\): 0"),
    ("lr set to str later", lambda: set_lr("fast"), T, r"learning rate \(lr\): 'fast'"),
    ("momentum 1", lambda: SGD(0.1, momentum=1.0), V, r"Invalid momentum: 1\.0; expected a number in \[0, 1\)"),
    ("momentum negative", lambda: SGD(0.1, momentum=-0.5), V, r"Invalid momentum: -0\.5"),
    ("momentum str", lambda: SGD(0.1, momentum="0.9"), T, r"Invalid momentum: '0\.9'"),
    ("momentum nan", lambda: SGD(0.1, momentum=np.nan), V, r"Invalid momentum: nan"),
    ("nesterov str", lambda: SGD(0.1, momentum=0.9, nesterov="yes"), T, r"Invalid nesterov: 'yes'"),
    ("nesterov without momentum", lambda: SGD(0.1, nesterov=True), V, r"Nesterov momentum requires a momentum > 0"),
    ("AdaGrad eps 0", lambda: AdaGrad(0.1, eps=0), V, r"Invalid eps: 0"),
    ("AdaGrad eps negative", lambda: AdaGrad(0.1, eps=-1e-10), V, r"Invalid eps: -1e-10"),
    ("RMSprop alpha 1", lambda: RMSprop(0.1, alpha=1.0), V, r"Invalid alpha: 1\.0"),
    ("RMSprop alpha None", lambda: RMSprop(0.1, alpha=None), T, r"Invalid alpha: None"),
    ("RMSprop eps inf", lambda: RMSprop(0.1, eps=np.inf), V, r"Invalid eps: inf"),
    ("Adam betas number", lambda: Adam(0.1, betas=0.9), V, r"Invalid betas: 0\.9; expected a pair"),
    ("Adam betas one", lambda: Adam(0.1, betas=(0.9,)), V, r"Invalid betas: \(0\.9,\)"),
    ("Adam betas three", lambda: Adam(0.1, betas=(0.9, 0.99, 0.9)), V, r"Invalid betas"),
    ("Adam betas str", lambda: Adam(0.1, betas="ab"), V, r"Invalid betas: 'ab'"),
    ("Adam beta1 1", lambda: Adam(0.1, betas=(1.0, 0.999)), V, r"Invalid beta1 \(betas\[0\]\): 1\.0"),
    ("Adam beta2 nan", lambda: Adam(0.1, betas=(0.9, np.nan)), V, r"Invalid beta2 \(betas\[1\]\): nan"),
    ("Adam eps 0", lambda: Adam(0.1, eps=0), V, r"Invalid eps: 0"),
    ("Adam bias_correction str", lambda: Adam(0.1, bias_correction="no"), T, r"Invalid bias_correction: 'no'"),

    # -- optimizers: step(params, grads) -------------------------------------------------------
    ("param Python float", lambda: step({"x": 1.0}, {"x": 2.0}), T,
     r"params\['x'\] has type float \(1\.0\); expected a numpy float array: optimizers update .* in place"),
    ("param list", lambda: step({"x": [1.0, 2.0]}, {"x": [0.1, 0.2]}), T, r"params\['x'\] has type list \(\[1\.0, 2\.0\]\)"),
    ("param int array", lambda: step({"x": np.array([1, 2])}, {"x": np.ones(2)}), T,
     r"params\['x'\] has dtype int64; expected float"),
    ("param bool array", lambda: step({"x": np.array([True])}, {"x": np.ones(1)}), T, r"params\['x'\] has dtype bool"),
    ("param complex array", lambda: step({"x": np.ones(2) + 0j}, {"x": np.ones(2)}), T,
     r"params\['x'\] has dtype complex128"),
    ("param masked array", lambda: step({"x": np.ma.masked_array(np.ones(2))}, {"x": np.ones(2)}), T,
     r"params\['x'\] is a numpy masked array"),
    ("param read-only", lambda: step({"x": readonly([1.0, 2.0])}, {"x": np.ones(2)}), V, r"params\['x'\] is read-only"),
    ("param None", lambda: step({"x": None}, {"x": np.ones(2)}), T, r"params\['x'\] has type NoneType \(None\)"),
    ("params list", lambda: step([np.zeros(2)], {"x": np.ones(2)}), T, r"params must be a dict .* got list"),
    ("params None", lambda: step(None, {}), T, r"params must be a dict .* got NoneType"),
    ("params array", lambda: step(np.zeros(2), np.ones(2)), T, r"params must be a dict .* ndarray of shape \(2,\)"),
    ("params empty", lambda: step({}, {}), V, r"params is an empty dict"),
    ("grads list", lambda: step({"x": np.zeros(2)}, [np.ones(2)]), T, r"grads must be a dict .* got list"),
    ("grads None", lambda: step({"x": np.zeros(2)}, None), T, r"grads must be a dict .* got NoneType"),
    ("grads missing name", lambda: step({"x": np.zeros(2)}, {"y": np.ones(2)}), V,
     r"no gradient for parameter 'x'; grads has \['y'\]"),
    ("grad wrong shape", lambda: step({"x": np.zeros(2)}, {"x": np.zeros(3)}), V,
     r"gradient for 'x' has shape \(3,\); expected \(2,\)"),
    ("grad scalar for a vector", lambda: step({"x": np.zeros(2)}, {"x": 1.0}), V,
     r"gradient for 'x' has shape \(\); expected \(2,\)"),
    ("grad str", lambda: step({"x": np.zeros(2)}, {"x": "ab"}), T, r"gradient for 'x' has dtype <U2"),
    ("grad None", lambda: step({"x": np.zeros(2)}, {"x": None}), T, r"gradient for 'x' has type NoneType"),
    ("grad complex", lambda: step({"x": np.zeros(2)}, {"x": np.ones(2) * 1j}), T, r"gradient for 'x' has dtype complex128; expected an array of real numbers"),
    ("grad bool", lambda: step({"x": np.zeros(2)}, {"x": np.array([True, False])}), T, r"gradient for 'x' has dtype bool"),
    ("grad object", lambda: step({"x": np.zeros(2)}, {"x": np.array([1.0, None])}), T, r"gradient for 'x' has dtype object"),
    ("grad masked", lambda: step({"x": np.zeros(2)}, {"x": np.ma.masked_array(np.ones(2))}), T,
     r"gradient for 'x' is a numpy masked array"),
    ("grad NaN", lambda: step({"x": np.zeros(2)}, {"x": np.array([np.nan, 0.0])}), V,
     r"gradient for 'x' contains NaN or inf at step 1"),
    ("grad beyond float32", lambda: step({"x": np.zeros(2, np.float32)}, {"x": np.array([1e39, 0.0])}), V,
     r"gradient for 'x' contains NaN or inf"),
    ("SGD on two networks", lambda: two_networks(SGD(0.1, momentum=0.9)), V,
     r"params is another set of parameters than the one this SGD steps.*reset\(\)"),
    ("Adam on two networks of other shapes", lambda: two_networks(Adam(0.01), (5, 3, 2)), V,
     r"params is another set of parameters than the one this Adam steps"),
    ("RMSprop on two networks", lambda: two_networks(RMSprop(0.01)), V, r"another set of parameters"),
    ("AdaGrad on two networks", lambda: two_networks(AdaGrad(0.01)), V, r"another set of parameters"),
    ("parameter replaced by another shape", replaced_parameter_shape, V,
     r"params\['x'\] has shape \(3,\), but this optimizer's state for 'x' has shape \(2,\)"),

    # -- train -----------------------------------------------------------------------------
    ("train net str", lambda: fit(net="net"), T, r"net must be a course_lib MLP; got str"),
    ("train optimizer number", lambda: fit(optimizer=0.1), T, r"optimizer must have an lr and a step"),
    ("train optimizer lr negative", lambda: fit(optimizer=DuckOptimizer()), V, r"Invalid optimizer\.lr .*: -1\.0"),
    ("train epochs 0", lambda: fit(epochs=0), V, r"Invalid epochs: 0; expected an integer ≥ 1"),
    ("train epochs negative", lambda: fit(epochs=-3), V, r"Invalid epochs: -3"),
    ("train epochs float", lambda: fit(epochs=2.5), T, r"Invalid epochs: 2\.5"),
    ("train epochs bool", lambda: fit(epochs=True), T, r"Invalid epochs: True"),
    ("train epochs None", lambda: fit(epochs=None), T, r"Invalid epochs: None"),
    ("train epochs str", lambda: fit(epochs="5"), T, r"Invalid epochs: '5'"),
    ("train batch_size 0", lambda: fit(batch_size=0), V, r"Invalid batch_size: 0"),
    ("train batch_size float", lambda: fit(batch_size=2.5), T, r"Invalid batch_size: 2\.5"),
    ("train batch_size None", lambda: fit(batch_size=None), T, r"Invalid batch_size: None"),
    ("train seed -1", lambda: fit(seed=-1), V, r"Invalid seed: -1"),
    ("train seed str", lambda: fit(seed="abc"), T, r"Invalid seed: 'abc'"),
    ("train progress str", lambda: fit(progress="no"), T, r"Invalid progress: 'no'"),
    ("train callback not callable", lambda: fit(callback=5), T, r"callback must be callable.*int 5"),
    ("train lr_schedule unknown", lambda: fit(lr_schedule="exponential"), V, r"Unknown lr_schedule 'exponential'"),
    ("train lr_schedule None", lambda: fit(lr_schedule=None), V, r"Unknown lr_schedule None"),
    ("train lr_schedule list", lambda: fit(lr_schedule=["linear"]), V, r"Unknown lr_schedule \['linear'\]"),
    ("train X_train 0 examples", lambda: fit(X_train=np.zeros((4, 0)), Y_train=np.zeros(0, int)), V,
     r"X_train has shape \(4, 0\): 0 examples"),
    ("train X_val 0 examples", lambda: fit(X_val=np.zeros((4, 0)), Y_val=np.zeros(0, int)), V,
     r"X_val has shape \(4, 0\)"),
    ("train X_train wrong rows", lambda: fit(X_train=np.zeros((63, 6))), V, r"X_train has shape \(63, 6\); expected \(4, m\)"),
    ("train X_train masked", lambda: fit(X_train=np.ma.masked_array(X)), T, r"X_train is a numpy masked array"),
    ("train X_train beyond float32", lambda: fit(net=net(dtype="float32"), X_train=1e39 * X), V,
     r"X_train holds values up to .*beyond float32's range"),
    ("train Y_train all-zero", lambda: fit(Y_train=np.zeros((2, 6))), V,
     r"Y_train's column 0 is \[0\. 0\.\]; expected one-hot columns"),
    ("train Y_train negative", lambda: fit(Y_train=-Y), V, r"Y_train's column 0 is .*one-hot"),
    ("train Y_train soft labels", lambda: fit(Y_train=np.full((2, 6), 0.5)), V, r"Y_train's column 0 .*one-hot"),
    ("train Y_val all-zero", lambda: fit(Y_val=np.zeros((2, 6))), V, r"Y_val's column 0 .*one-hot"),
    ("train Y_train bool labels", lambda: fit(Y_train=y == 1), T, r"Y_train has dtype bool"),
    ("train Y_train wrong length", lambda: fit(Y_train=y[:5]), V, r"Y_train has shape \(5,\); expected \(6,\)"),
    ("train Y_val out of range", lambda: fit(Y_val=y + 2), V, r"Y_val must lie in 0\.\.1"),
    ("train Y_train masked", lambda: fit(Y_train=np.ma.masked_array(y)), T, r"Y_train is a numpy masked array"),
    ("train Y_train None", lambda: fit(Y_train=None), T, r"Y_train is None"),
    ("train BatchNorm batch_size 1", lambda: fit(net=net(batch_norm=True), batch_size=1), V,
     r"batch_size 1 .*BatchNorm .* at least 2"),
    ("train BatchNorm one example", lambda: fit(net=net(batch_norm=True), X_train=X[:, :1], Y_train=y[:1]), V,
     r"X_train of shape \(4, 1\): BatchNorm"),
    ("train optimizer of another network", reuse_optimizer_in_train, V, r"params is another set of parameters"),
    ("train from NaN parameters", nan_params_train, V, r"net\.params\['W1'\] contains NaN or inf"),
    ("default_setup unknown setting", lambda: default_setup(epochs=3), V, r"Unknown setting 'epochs'"),
    ("default_setup seed -1", lambda: default_setup(seed=-1), V, r"Invalid seed: -1"),
    ("default_setup lr 0", lambda: default_setup(lr=0), V, r"learning rate \(lr\): 0"),
    ("default_setup momentum 1", lambda: default_setup(momentum=1), V, r"Invalid momentum: 1"),
    ("default_setup dtype", lambda: default_setup(dtype="float16"), V, r"Invalid dtype: 'float16'"),
    ("default_setup sizes None", lambda: default_setup(sizes=None), T, r"sizes must be a list"),

    # -- gradient_check, numerical_gradient, check_params -----------------------------------------
    ("gradcheck x list", lambda: gradient_check(np.sum, [1.0, 2.0], [1.0, 1.0]), T,
     r"x has type list \(\[1\.0, 2\.0\]\); expected a numpy float array: x is nudged in place"),
    ("gradcheck x float", lambda: gradient_check(lambda v: v ** 2, 2.0, 4.0), T, r"x has type float \(2\.0\)"),
    ("gradcheck x int array", lambda: gradient_check(np.sum, np.array([1, 2]), np.ones(2)), T,
     r"x has dtype int64; expected float64: x is nudged in place"),
    ("gradcheck x float32", lambda: gradient_check(np.sum, np.ones(3, np.float32), np.ones(3)), T,
     r"x has dtype float32; expected float64"),
    ("gradcheck x masked", lambda: gradient_check(np.sum, np.ma.masked_array(np.ones(2)), np.ones(2)), T,
     r"x is a numpy masked array"),
    ("gradcheck x read-only", lambda: gradient_check(np.sum, readonly([1.0]), np.ones(1)), V, r"x is read-only"),
    ("gradcheck x empty", lambda: gradient_check(np.sum, np.zeros(0), np.zeros(0)), V, r"x has shape \(0,\): no entries"),
    ("gradcheck x NaN", lambda: gradient_check(np.sum, np.array([np.nan]), np.ones(1)), V, r"x contains 1 NaN"),
    ("gradcheck f not callable", lambda: gradient_check(3.0, np.ones(2), np.ones(2)), T, r"f must be a function .*float 3\.0"),
    ("gradcheck f returns a vector", lambda: gradient_check(lambda v: v * 2, np.ones(3), np.ones(3)), T,
     r"f must return a number .*ndarray of shape \(3,\)"),
    ("gradcheck f returns None", lambda: gradient_check(lambda v: None, np.ones(2), np.ones(2)), T,
     r"f must return a number .*NoneType"),
    ("gradcheck f returns NaN", lambda: gradient_check(lambda v: np.nan if v[0] < 1 else 0.0, np.ones(1), np.ones(1)), V,
     r"f returned nan with entry \(0,\) of x nudged"),
    ("gradcheck f returns complex", lambda: gradient_check(lambda v: 1j * v.sum(), np.ones(2), np.ones(2)), T,
     r"f must return a number .*complex"),
    ("gradcheck grad wrong shape", lambda: gradient_check(np.sum, np.ones(3), np.ones(2)), V,
     r"grad has shape \(2,\); expected \(3,\) like x"),
    ("gradcheck grad None", lambda: gradient_check(np.sum, np.ones(3), None), T, r"grad is None"),
    ("gradcheck grad NaN", lambda: gradient_check(np.sum, np.ones(2), np.array([np.nan, 1.0])), V, r"grad contains 1 NaN"),
    ("gradcheck grad strings", lambda: gradient_check(np.sum, np.ones(2), ["a", "b"]), T, r"grad must be an array of numbers"),
    ("gradcheck h 0", lambda: gradient_check(np.sum, np.ones(2), np.ones(2), h=0), V, r"Invalid h: 0"),
    ("gradcheck h negative", lambda: gradient_check(np.sum, np.ones(2), np.ones(2), h=-1e-5), V, r"Invalid h: -1e-05"),
    ("gradcheck h nan", lambda: gradient_check(np.sum, np.ones(2), np.ones(2), h=np.nan), V, r"Invalid h: nan"),
    ("gradcheck h str", lambda: gradient_check(np.sum, np.ones(2), np.ones(2), h="1e-5"), T, r"Invalid h: '1e-5'"),
    ("gradcheck tol 0", lambda: gradient_check(np.sum, np.ones(2), np.ones(2), tol=0), V, r"Invalid tol: 0"),
    ("gradcheck tol inf", lambda: gradient_check(np.sum, np.ones(2), np.ones(2), tol=np.inf), V, r"Invalid tol: inf"),
    ("numgrad x list", lambda: numerical_gradient(np.sum, [1.0, 2.0]), T, r"x has type list"),
    ("numgrad x int", lambda: numerical_gradient(lambda v: v ** 2, 3), T, r"x has type int \(3\)"),
    ("numgrad x int array", lambda: numerical_gradient(np.sum, np.arange(3)), T, r"x has dtype int64"),
    ("numgrad h 0", lambda: numerical_gradient(np.sum, np.ones(2), h=0), V, r"Invalid h: 0"),
    ("numgrad f None", lambda: numerical_gradient(None, np.ones(2)), T, r"f must be a function"),
    ("check_params loss not callable", lambda: check_params(0.5, {"w": np.ones(2)}, {"w": np.ones(2)}), T,
     r"loss must be a function"),
    ("check_params params list", lambda: check_params(lambda: 0.0, [np.ones(2)], {}), T, r"params must be a dict"),
    ("check_params grads None", lambda: check_params(lambda: 0.0, {"w": np.ones(2)}, None), T, r"grads must be a dict"),
    ("check_params params empty", lambda: check_params(lambda: 0.0, {}, {}), V, r"params is an empty dict"),
    ("check_params missing grad",
     lambda: check_params(lambda: 0.0, net().params, {"W1": np.zeros((3, 4))}), V,
     r"grads has no entry for \['b1', 'W2', 'b2'\]"),
    ("check_params float32 params",
     lambda: check_params(lambda: 0.0, net(dtype="float32").params, net().backprop(X, y)[1]), T,
     r"params\['W1'\] has dtype float32; expected float64: params\['W1'\] is nudged in place, entry by entry, so loss"),
    ("check_params grad wrong shape", lambda: check_params(lambda: 0.0, {"w": np.ones(2)}, {"w": np.ones(3)}), V,
     r"grads\['w'\] has shape \(3,\); expected \(2,\) like params\['w'\]"),
    ("check_params loss NaN", lambda: check_params(lambda: np.nan, {"w": np.ones(2)}, {"w": np.ones(2)}), V,
     r"loss returned nan with entry \(0,\) of params\['w'\] nudged"),

    # -- batchnorm -------------------------------------------------------------------------
    ("bn forward z 1-D", lambda: batchnorm.forward(np.ones(3), G1, B0), V, r"z must be 2-D"),
    ("bn forward one example", lambda: batchnorm.forward(Z[:, :1], G1, B0), V,
     r"z has 1 column\(s\); BatchNorm in training mode needs a batch of at least 2"),
    ("bn forward no examples", lambda: batchnorm.forward(Z[:, :0], G1, B0), V, r"z has 0 column"),
    ("bn forward gamma 1-D", lambda: batchnorm.forward(Z, np.ones(3), B0), V,
     r"gamma has shape \(3,\); expected \(3, 1\), one number per unit"),
    ("bn forward beta wrong units", lambda: batchnorm.forward(Z, G1, np.zeros((4, 1))), V, r"beta has shape \(4, 1\); expected \(3, 1\)"),
    ("bn forward gamma row", lambda: batchnorm.forward(Z, np.ones((1, 3)), B0), V, r"gamma has shape \(1, 3\)"),
    ("bn forward eps 0", lambda: batchnorm.forward(Z, G1, B0, eps=0), V, r"Invalid eps: 0"),
    ("bn forward eps str", lambda: batchnorm.forward(Z, G1, B0, eps="1e-5"), T, r"Invalid eps: '1e-5'"),
    ("bn forward z NaN", lambda: batchnorm.forward(with_nan(Z), G1, B0), V, r"z contains 1 NaN"),
    ("bn forward z None", lambda: batchnorm.forward(None, G1, B0), T, r"z is None"),
    ("bn forward z masked", lambda: batchnorm.forward(np.ma.masked_array(Z), G1, B0), T, r"z is a numpy masked array"),
    ("bn forward z complex", lambda: batchnorm.forward(Z + 0j, G1, B0), T, r"z has dtype complex128"),
    ("bn forward gamma None", lambda: batchnorm.forward(Z, None, B0), T, r"gamma is None"),
    ("bn forward beta inf", lambda: batchnorm.forward(Z, G1, with_nan(B0, value=np.inf)), V, r"beta contains 1 NaN or inf"),
    ("bn inference no examples", lambda: batchnorm.inference(Z[:, :0], G1, B0, B0, G1), V, r"z has shape \(3, 0\)"),
    ("bn inference negative variance", lambda: batchnorm.inference(Z, G1, B0, B0, -G1), V,
     r"running_var has a negative entry -1; expected variances ≥ 0"),
    ("bn inference running_mean shape", lambda: batchnorm.inference(Z, G1, B0, np.zeros(3), G1), V,
     r"running_mean has shape \(3,\); expected \(3, 1\)"),
    ("bn inference running_var NaN", lambda: batchnorm.inference(Z, G1, B0, B0, with_nan(G1)), V, r"running_var contains 1 NaN"),
    ("bn inference gamma shape", lambda: batchnorm.inference(Z, np.ones((2, 1)), B0, B0, G1), V, r"gamma has shape \(2, 1\)"),
    ("bn inference eps 0", lambda: batchnorm.inference(Z, G1, B0, B0, G1, eps=0), V, r"Invalid eps: 0"),
    ("bn backward cache None", lambda: batchnorm.backward(Z, None), T,
     r"cache must be the BNCache returned by forward\(z, gamma, beta\); got NoneType"),
    ("bn backward cache dict", lambda: batchnorm.backward(Z, {"z_hat": Z}), T, r"cache must be the BNCache .* got dict"),
    ("bn backward grad_y wrong shape", lambda: batchnorm.backward(Z[:, :4], cache()), V,
     r"grad_y has shape \(3, 4\); expected \(3, 5\) like z"),
    ("bn backward grad_y transposed", lambda: batchnorm.backward(Z.T, cache()), V, r"grad_y has shape \(5, 3\)"),
    ("bn backward grad_y NaN", lambda: batchnorm.backward(with_nan(Z), cache()), V, r"grad_y contains NaN or inf"),
    ("bn backward grad_y inf", lambda: batchnorm.backward(with_nan(Z, value=-np.inf), cache()), V, r"grad_y contains NaN or inf"),
    ("bn backward grad_y None", lambda: batchnorm.backward(None, cache()), T, r"grad_y is None"),
    ("bn backward grad_y ragged", lambda: batchnorm.backward([[1.0], [1.0, 2.0]], cache()), T, r"grad_y must be an array of numbers"),
    ("bn backward grad_y masked", lambda: batchnorm.backward(np.ma.masked_array(Z), cache()), T, r"grad_y is a numpy masked array"),
    ("bn backward inconsistent cache", lambda: batchnorm.backward(Z, cache(inv_std=np.ones((4, 1)))), V,
     r"cache\.inv_std has shape \(4, 1\); expected \(3, 1\)"),
    ("bn backward cache z_hat 1-D", lambda: batchnorm.backward(Z, cache(z_hat=np.ones(3))), V, r"cache\.z_hat must be a 2-D array"),
    ("bn backward cache of one example",
     lambda: batchnorm.backward(Z[:, :1], BNCache(np.zeros((3, 1)), G1, G1, B0, G1)), V,
     r"cache\.z_hat has 1 column\(s\); BatchNorm in training mode needs .* at least 2"),
    ("bn update_running list", lambda: batchnorm.update_running([0.0, 0.0, 0.0], G1.copy(), cache()), T,
     r"running_mean has type list .*expected a numpy float array: the running statistics are updated in place"),
    ("bn update_running int array", lambda: batchnorm.update_running(np.zeros((3, 1), int), G1.copy(), cache()), T,
     r"running_mean has dtype int64"),
    ("bn update_running wrong shape", lambda: batchnorm.update_running(np.zeros((3, 1)), np.ones(3), cache()), V,
     r"running_var has shape \(3,\); expected \(3, 1\)"),
    ("bn update_running read-only", lambda: batchnorm.update_running(readonly(B0), G1.copy(), cache()), V,
     r"running_mean is read-only"),
    ("bn update_running NaN", lambda: batchnorm.update_running(B0.copy(), with_nan(G1), cache()), V, r"running_var contains 1 NaN"),
    ("bn update_running momentum 1.5", lambda: batchnorm.update_running(B0.copy(), G1.copy(), cache(), momentum=1.5), V,
     r"Invalid momentum: 1\.5"),
    ("bn update_running momentum negative", lambda: batchnorm.update_running(B0.copy(), G1.copy(), cache(), momentum=-0.1), V,
     r"Invalid momentum: -0\.1"),
    ("bn update_running momentum str", lambda: batchnorm.update_running(B0.copy(), G1.copy(), cache(), momentum="0.1"), T,
     r"Invalid momentum: '0\.1'"),
    ("bn update_running cache None", lambda: batchnorm.update_running(B0.copy(), G1.copy(), None), T,
     r"cache must be the BNCache"),
]


@pytest.mark.parametrize("call, error, message", [pytest.param(*case[1:], id=case[0]) for case in CASES])
def test_bad_input_is_refused_with_a_clear_message(call, error, message):
    with warnings.catch_warnings():
        warnings.simplefilter("error")    # refused up front: no numpy warning on the way
        with pytest.raises(error, match=message):
            call()


def test_type_errors_are_value_errors_too():
    # `except ValueError` keeps catching every bad input, as it did before TypeErrors existed
    with pytest.raises(ValueError):
        net().forward("abc")
    with pytest.raises(ValueError):
        SGD(0.1).step({"x": 1.0}, {"x": 2.0})


def test_refused_calls_change_nothing():
    n = MLP([4, 3, 2], batch_norm=True, seed=0)
    opt = SGD(0.1, momentum=0.9)
    fit(optimizer=opt)                   # opt now belongs to another network
    before = {k: v.copy() for k, v in [*n.params.items(), *n.bn_state.items()]}
    with pytest.raises(ValueError, match="another set"):
        fit(net=n, optimizer=opt)
    after = {**n.params, **n.bn_state}
    assert all(np.array_equal(before[k], after[k]) for k in before)
    params, sgd = {"x": np.array([1.0, 2.0])}, SGD(0.1)
    with pytest.raises(ValueError):
        sgd.step(params, {"x": np.array([np.nan, 1.0])})
    assert params["x"].tolist() == [1.0, 2.0] and sgd.t == 0
    sgd.step({"y": np.zeros(1)}, {"y": np.ones(1)})      # a refused step tied it to nothing


def test_gradient_check_restores_x_when_f_fails():
    x = np.array([1.0, 2.0])

    def f(v):
        if v[0] != 1.0:
            raise RuntimeError("boom")
        return float(v.sum())
    with pytest.raises(RuntimeError):
        numerical_gradient(f, x)
    assert x.tolist() == [1.0, 2.0]


# -- the normal paths still work ------------------------------------------------------------

def test_mlp_accepts_the_usual_forms():
    for sizes in ([4, 3, 2], (4, 3, 2), np.array([4, 3, 2]), range(4, 1, -1)):
        assert MLP(sizes, seed=0).sizes == [4, 3, 2]
    for seed in (0, np.int64(3), None, 2 ** 40):
        MLP([4, 2], seed=seed)
    MLP([4, 3, 2], activation=("relu",), batch_norm=np.bool_(True), dtype=np.float32)
    MLP([4, 3, 3, 2], activation=["sigmoid", "relu"], batch_norm="all", bn_momentum=0.0)


def test_data_in_the_usual_forms():
    n = net()
    C, _ = n.backprop(X, y)
    for Xs in (X.tolist(), X.astype(np.float32), (X > 0).astype(int)):
        n.forward(Xs)
    n.forward(X > 0)                                             # bools are 0 and 1
    for labels in (y.tolist(), y.astype(np.int32), y.astype(np.uint8), y.astype(float)):
        assert n.backprop(X, labels)[0] == C
    assert n.backprop(X, Y)[0] == C == n.backprop(X, Y.astype(int))[0]
    n.backprop(X, np.full((2, 6), 0.5))                          # soft labels sum to 1
    n.backprop(X, Y.astype(np.float32) * 0.3 + 0.35)             # in float32 too
    assert 0.0 <= n.accuracy(X, y) <= 1.0 and n.predict(X).shape == (6,)
    assert n.forward(X, train=np.bool_(True)).shape == (2, 6)
    bce = net(output="sigmoid", cost="binary_cross_entropy")
    bce.backprop(X, np.full((2, 6), 0.3))                        # any targets in [0, 1]
    quad = net(output="identity", cost="quadratic")
    quad.backprop(X, RNG.normal(size=(2, 6)) * 100)              # any finite targets
    assert np.isfinite(net(dtype="float32").cost_value(1e30 * X, y))   # large, in range
    assert one_hot(np.array([1, 0]), np.int64(2)).shape == (2, 2)
    assert one_hot([], 3).shape == (3, 0)


def test_batchnorm_network_one_example_in_inference_and_forward_training_mode():
    # notebook 11 runs forward(train=True) on batches of 2 whose last one has a single column
    n = net(batch_norm=True)
    assert n.forward(X[:, :1]).shape == (2, 1)
    assert n.forward(X[:, :1], train=True).shape == (2, 1)
    assert n.backprop(X[:, :2], y[:2])[0] > 0


def test_optimizer_accepts_a_new_dict_of_the_same_arrays_each_step():
    # the surfaces.descend docstring's loop: opt.step({"p": p}, {"p": g}) with a fresh dict
    p, opt = np.array([1.0, -1.0]), SGD(0.1, momentum=0.9)
    for _ in range(3):
        opt.step({"p": p}, {"p": 2 * p})
    assert opt.t == 3 and np.all(np.abs(p) < 1)
    opt.reset()                                   # then it may step anything
    q = {"q": np.zeros((2, 2), np.float32)}
    opt.step(q, {"q": [[1, 2], [3, 4]]})          # lists and ints as gradients are fine
    assert q["q"].dtype == np.float32 and q["q"][1, 1] == pytest.approx(-0.4)
    zero_d = {"s": np.array(3.0)}
    Adam(0.1).step(zero_d, {"s": 1.0})            # a 0-d array is a number updated in place
    assert zero_d["s"] == pytest.approx(2.9)


def test_same_dict_with_a_replaced_array_of_the_same_shape_is_the_same_set():
    n, opt = net(), SGD(0.1, momentum=0.9)
    _, grads = n.backprop(X, y)
    opt.step(n.params, grads)
    n.params["b1"] = np.full((3, 1), 0.5)           # as notebook 11 sets β and b by hand
    opt.step(n.params, grads)
    assert opt.t == 2


def test_one_optimizer_per_network_and_reset_frees_it():
    a, b = net(), MLP([4, 3, 2], seed=1)
    opt = Adam(0.01)
    opt.step(a.params, a.backprop(X, y)[1])
    opt.reset()
    opt.step(b.params, b.backprop(X, y)[1])
    assert opt.t == 1 and opt.state["W1"]["m"].shape == (3, 4)


def test_train_normal_paths():
    h = fit(Y_train=Y, Y_val=Y.astype(int), seed=None, epochs=2)
    assert h.epoch == [1, 2] and not h.diverged
    # BatchNorm: 7 examples in batches of 3 would leave a last batch of one; it joins the one
    # before, so every step sees at least 2 examples
    n = net(batch_norm=True)
    X7, y7 = RNG.normal(size=(4, 7)), np.array([0, 1, 0, 1, 0, 1, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        h = train(n, SGD(0.1), X7, y7, X7, y7, epochs=2, batch_size=3, progress=False)
    assert h.steps == 4 and not h.diverged


def test_digits_split_and_load_digits_normal_paths():
    s = digits_split(n_val=500, seed=np.int64(2))
    assert s.X_val.shape == (64, 500) and s.X_train.shape == (64, 1297)
    assert digits_split("seed", n_val=297, seed=0).X_val.shape == (64, 297)
    X_all, y_all = load_digits()
    assert X_all.shape == (64, 1797) and y_all.shape == (1797,)


def test_gradient_checks_normal_paths():
    x = np.array([[1.0, -2.0]])
    assert gradient_check(lambda v: np.sum(v ** 3), x, lambda v: 3 * v ** 2).passed
    assert gradient_check(lambda v: (v ** 2).reshape(1), np.array(3.0), 6.0).passed   # 0-d x
    assert gradient_check(lambda v: np.float32(v.sum()), np.ones(2), [1, 1], tol=1e-3).passed
    n = net()
    C, grads = n.backprop(X, y)
    assert all(c.passed for c in check_params(lambda: n.cost_value(X, y), n.params, grads).values())


def test_batchnorm_normal_paths():
    y_out, c = batchnorm.forward(Z.tolist(), G1.tolist(), B0)      # lists are converted
    gz, gg, gb = batchnorm.backward(np.ones_like(Z), c)
    assert gz.shape == Z.shape and gg.shape == gb.shape == (3, 1)
    mean, var = np.zeros((3, 1)), np.ones((3, 1))
    batchnorm.update_running(mean, var, c, momentum=0.5)
    assert np.allclose(mean, 0.5 * Z.mean(axis=1, keepdims=True))
    assert batchnorm.inference(Z[:, :1], G1, B0, mean, var).shape == (3, 1)
    assert batchnorm.forward.__name__ == "forward" and "(1)–(4)" in batchnorm.forward.__doc__
