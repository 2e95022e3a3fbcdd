"""The widget base: figures live as long as their widget, and carry a picture for GitHub."""
import warnings

import matplotlib.pyplot as plt

from course_lib.widgets import alive_check
from course_lib.widgets._base import FigureWidget, new_figure


def test_widget_figures_do_not_pile_up_in_pyplot():
    # A learner who re-runs widget cells many times must not meet matplotlib's
    # "More than 20 figures have been opened" warning.
    before = plt.get_fignums()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figs = [new_figure() for _ in range(30)]
    assert plt.get_fignums() == before
    assert all(f.get_size_inches().tolist() == [7.0, 4.2] for f in figs)


def test_stored_bundle_has_a_picture_and_a_summary():
    fig = new_figure((3, 2))
    fig.add_subplot().plot([0, 1], [1, 0])
    bundle = FigureWidget(fig, controls=[])._repr_mimebundle_()
    assert bundle["text/plain"] == "FigureWidget"
    assert bundle["image/png"].startswith("iVBORw0KGgo")  # base64 of the PNG signature
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_alive_check_follows_its_slider():
    check = alive_check(value=2)
    check.slider.value = 12
    assert check.text() == "the kernel says: x² = 12² = 144"
    assert "144" in check.result.value


def test_png_rgba_round_trips_through_a_standard_decoder():
    import io

    import numpy as np
    from PIL import Image

    from course_lib.widgets._base import png_rgba
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, size=(7, 11, 4), dtype=np.uint8)
    decoded = np.asarray(Image.open(io.BytesIO(png_rgba(pixels))))
    assert decoded.shape == (7, 11, 4) and np.array_equal(decoded, pixels)
