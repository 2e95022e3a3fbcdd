"""The widget base: figures live as long as their widget, and carry a picture for GitHub."""
import warnings

import matplotlib.pyplot as plt
import pytest

from course_lib.widgets import alive_check
from course_lib.widgets._base import FigureWidget, new_figure
from tests.strict import warnings_as_errors


def test_widget_figures_do_not_pile_up_in_pyplot():
    # A learner who re-runs widget cells many times must not meet matplotlib's
    # "More than 20 figures have been opened" warning.
    before = plt.get_fignums()
    with warnings.catch_warnings():
        warnings_as_errors()
        figs = [new_figure() for _ in range(30)]
    assert plt.get_fignums() == before
    assert all(f.get_size_inches().tolist() == [6.2, 4.2] for f in figs)   # new_figure's default


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


@pytest.fixture
def pyplot_backend_kept():
    """Importing ipympl's backend makes it pyplot's backend; put the previous one back."""
    backend = plt.get_backend()
    yield
    plt.switch_backend(backend)


def test_blitter_sends_frames_with_the_faster_encoder_under_ipympl(pyplot_backend_kept):
    # The encoder replaces a private method of matplotlib's WebAgg canvas, and only if the
    # attributes it relies on exist; if a matplotlib release renames them, this fails (instead
    # of the widgets quietly going back to the slow encoder).
    import io

    import numpy as np
    from ipympl.backend_nbagg import new_figure_manager_given_figure
    from matplotlib.figure import Figure
    from PIL import Image

    from course_lib.widgets._base import Blitter
    fig = Figure(figsize=(3, 2))
    with warnings.catch_warnings():   # ipympl's toolbar passes traitlets an old-style argument
        warnings.simplefilter("ignore", DeprecationWarning)
        canvas = new_figure_manager_given_figure(0, fig).canvas
    sent = []
    canvas.send_binary = sent.append         # what would go to the browser
    (line,) = fig.add_subplot().plot([0, 1], [0, 1])
    Blitter(fig, [line])
    assert "get_diff_image" in vars(canvas)

    def frame_and_screen():
        canvas.draw()
        return (np.asarray(Image.open(io.BytesIO(sent[-1]))),
                np.array(canvas.get_renderer().buffer_rgba()))

    first, before = frame_and_screen()         # the first frame is the whole picture
    assert np.array_equal(first, before)
    line.set_ydata([1, 0])
    frame, after = frame_and_screen()          # and so is every later one: never a diff,
    assert (after != before).any()             # which ipympl's browser side may lose for good
    assert np.array_equal(frame, after)
    assert canvas._current_image_mode == "full"


def test_blit_that_captures_its_background_sends_one_frame(pyplot_backend_kept):
    # The background (the picture without the moving artists) is drawn, not sent: sent just
    # before the blit's frame, it was the frame ipympl's browser side lost, or flashed.
    import io

    import numpy as np
    from ipympl.backend_nbagg import new_figure_manager_given_figure
    from matplotlib.figure import Figure
    from PIL import Image

    from course_lib.widgets._base import Blitter
    fig = Figure(figsize=(3, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        canvas = new_figure_manager_given_figure(0, fig).canvas
    sent = []
    canvas.send_binary = sent.append
    canvas.syncing_data_url = False          # a browser view has said "initialized"
    (line,) = fig.add_subplot().plot([0, 1], [0, 1])
    blitter = Blitter(fig, [line])
    for ydata in ([1, 0], [0.5, 0.5]):
        line.set_ydata(ydata)
        before = len(sent)
        blitter.redraw(fallback=canvas.draw_idle)
        assert len(sent) == before + 1
        assert np.array_equal(np.asarray(Image.open(io.BytesIO(sent[-1]))),
                              np.asarray(canvas.get_renderer().buffer_rgba()))
        blitter.invalidate()                  # the next one captures its background again


def test_code_setting_a_value_while_a_browser_message_ends_does_not_raise():
    """ipywidgets tests `key in _property_lock` and then reads it; a browser message ending on
    another thread can remove the key in between (CI saw the KeyError). The course's controls
    then send code's value."""
    import course_lib.widgets as W

    class Vanishing(dict):          # the key is there for `in`, gone for the read after it
        def __contains__(self, key):
            return key == "value"

        def __getitem__(self, key):
            raise KeyError(key)

    w = W.momentum_explorer()
    w.lr._property_lock = Vanishing()
    w.lr.value = 1.0                # before: KeyError('value') from _should_send_property
    assert w.lr.value == 1.0
    w.close()
