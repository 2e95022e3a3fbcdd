"""Shared fixtures for the library tests."""
import warnings

import pytest


@pytest.fixture
def strict_warnings():
    """Every warning is an error (no RuntimeWarning or NaN may reach a learner); figures that a
    test made through pyplot are closed afterwards."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield
    import matplotlib.pyplot as plt  # not at import time: test modules choose the backend first
    plt.close("all")
