"""course_lib: the small numpy library behind the course on gradient descent and backpropagation.

Column convention throughout: a batch of m examples is a matrix with one example per column.
"""
from ._memory import keep_freed_blocks
from . import activations, batchnorm, costs
from .backprop import backprop, bias_gradient, hidden_error, output_error, weight_gradient
from .data import digits_split, load_digits
from .gradcheck import check_params, format_error, gradient_check, numerical_gradient, relative_error
from .network import MLP, one_hot
from .optimizers import SGD, AdaGrad, Adam, RMSprop
from .training import History, default_setup, train
from . import graph, inspector, neuron, stochastic

keep_freed_blocks()       # full-batch steps: no page faults for fresh memory (_memory.py)

__version__ = "0.1.0"

__all__ = [
    "MLP", "SGD", "AdaGrad", "Adam", "RMSprop", "activations", "backprop", "bias_gradient", "check_params", "costs", "digits_split",
    "format_error", "gradient_check", "hidden_error", "load_digits", "numerical_gradient", "one_hot",
    "output_error", "relative_error", "weight_gradient",
    "batchnorm", "History", "default_setup", "train",
    "graph", "inspector", "neuron", "stochastic",
]
