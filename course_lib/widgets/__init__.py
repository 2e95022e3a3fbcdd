"""The widgets the notebooks use: one import and one call per notebook cell."""
from .start import alive_check, check_versions, versions

__all__ = ["alive_check", "check_versions", "versions"]
