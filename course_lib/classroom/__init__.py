"""Classroom pages: the notebooks' main widgets as self-contained HTML files that work in any
browser with no kernel, no server and no network (a projector's laptop, Binder down).

Every picture and status line on a page is computed here, by the notebook's own widget, for
every point of a grid of its sliders (`pages`); the page's script only draws what it is given
(`frames`). `python -m course_lib.classroom OUT_DIR` writes them (make site puts them in
_build/html/classroom/).
"""
from .build import build, build_page, page_data, page_html
from .pages import PAGES, Page, Slider, settle

__all__ = ["build", "build_page", "page_data", "page_html", "PAGES", "Page", "Slider", "settle"]
