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


def pytest_report_header(config):
    """Say which CPU configuration the numbers were computed under (CI runs two)."""
    import sys

    import numpy as np
    from threadpoolctl import threadpool_info
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    simd = [f for f in __cpu_dispatch__ if __cpu_features__.get(f)]
    blas = [f"{i.get('internal_api')} {i.get('architecture')} ×{i.get('num_threads')}"
            for i in threadpool_info() if i.get("user_api") == "blas"]
    return [f"Python {sys.version.split()[0]}, numpy {np.__version__}, dispatched SIMD: "
            f"{' '.join(simd) or 'baseline only'}; BLAS: {', '.join(blas) or 'none found'}"]


@pytest.fixture(scope="session")
def classroom_dir(tmp_path_factory):
    """The classroom pages: those `make site` built (_build/html/classroom), or, where there
    are none, pages built now into a temporary folder (about 40 s)."""
    from tests.classroom_support import classroom_pages
    return classroom_pages(tmp_path_factory)
