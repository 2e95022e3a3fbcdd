"""The widgets the notebooks use: one import and one call per notebook cell."""
from .backprop_inspect import delta_inspector, neuron_explorer, saturation_explorer
from .start import alive_check, check_versions, versions

__all__ = ["delta_inspector", "neuron_explorer", "saturation_explorer", "alive_check", "check_versions", "versions"]
