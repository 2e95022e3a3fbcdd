"""Fixtures for the browser tests: `lab` (one JupyterLab per session) and `page`."""
import pytest

from .harness import CHROMIUM, CHROMIUM_ARGS, Lab, require_browser


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def lab():
    require_browser()
    server = Lab()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    require_browser()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, lab):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    context.close()
    lab.shut_down_sessions()      # the next test starts with no kernel left from this one
