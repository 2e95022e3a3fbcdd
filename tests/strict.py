"""The suite's warnings policy. Errors: every RuntimeWarning (numpy's overflow, invalid value and
division by zero, matplotlib's "too many figures") and every warning attributed to course_lib's
own code. Left alone: other libraries' deprecation notices about their own internals (matplotlib
calling an old pyparsing name, say), which the course can neither cause nor fix, and which differ
between the minimum and the latest supported versions."""
import warnings


def warnings_as_errors():
    """Inside `warnings.catch_warnings()`, turn the warnings the course answers for into errors."""
    warnings.filterwarnings("error", category=RuntimeWarning)
    warnings.filterwarnings("error", module=r"course_lib(\.|$)")
