"""The widgets the notebooks use: one import and one call per notebook cell.

The notebooks import from here (or from a public module such as `course_lib.widgets.descent`),
never from `_base`: `new_figure` and `static_figure` are the figure helpers they may use."""
from ._base import new_figure
from .activations_widgets import activation_explorer, slowdown_race
from .gradcheck_widgets import step_size_explorer
from .backprop_inspect import delta_inspector, graph_explorer, neuron_explorer, saturation_explorer
from .start import alive_check, check_versions, versions
from .descent import descent_1d, gradient_explorer
from .momentum import momentum_explorer, show_convergence_map
from .race import optimizer_race
from .sgd import sgd_explorer
from .training import static_figure, training_widget
from .generalization import generalization_explorer

__all__ = ["delta_inspector", "graph_explorer", "neuron_explorer", "saturation_explorer",
           "activation_explorer", "slowdown_race", "step_size_explorer", "alive_check",
           "check_versions", "versions", "descent_1d", "gradient_explorer", "momentum_explorer",
           "show_convergence_map", "optimizer_race", "sgd_explorer", "training_widget", "new_figure", "static_figure",
           "generalization_explorer"]
