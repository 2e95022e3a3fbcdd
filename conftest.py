"""pytest hooks for the notebooks, which nbval runs (`--nbval` in pyproject.toml).

A learner re-runs a widget cell after Run All (to get the widget back, or to start over): it
must work. Later cells must not rebind the names an earlier widget cell reads, and a widget
made again must replace the old one cleanly. So after a notebook's last cell, each of its
widget cells (a code cell that calls a function of course_lib.widgets) runs twice more, in the
same kernel that nbval ran the notebook in: items "Cell k again (1)" and "Cell k again (2)".
An error fails them; their outputs (new widgets) are not compared.
"""
import re
from collections import defaultdict

try:
    from nbval.plugin import IPyNbCell, IPyNbFile
except ImportError:        # without nbval there are no notebook items to add to
    IPyNbFile = None


def widget_call():
    """A pattern matching a call of any public widget function of course_lib.widgets."""
    import course_lib.widgets as widgets
    names = [n for n in widgets.__all__ if callable(getattr(widgets, n))]
    return re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\(")


def _collect_with_reruns(self):
    cells = list(_collect(self))
    yield from cells
    pattern = widget_call()
    for item in cells:
        if pattern.search(item.cell.source):
            for k in (1, 2):
                options = defaultdict(bool, item.options)
                options["check"] = False
                yield IPyNbCell.from_parent(self, name=f"{item.name} again ({k})",
                                            cell_num=item.cell_num, cell=item.cell,
                                            options=options)


if IPyNbFile is not None:
    _collect = IPyNbFile.collect
    IPyNbFile.collect = _collect_with_reruns
