"""Shared fixtures for the library tests."""
import warnings

import pytest
from tests.strict import warnings_as_errors


@pytest.fixture
def strict_warnings():
    """The suite's warnings policy (tests/strict.py): no RuntimeWarning or NaN may reach a
    learner, nor any warning from course_lib. Figures that a test made through pyplot are
    closed afterwards."""
    with warnings.catch_warnings():
        warnings_as_errors()
        yield
    import matplotlib.pyplot as plt  # not at import time: test modules choose the backend first
    plt.close("all")
