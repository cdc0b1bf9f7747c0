"""Fixtures shared by the test files that open the rendered site in Chromium.

One Playwright (sync API) per process: a second `sync_playwright()` started while
the first is open fails ("Sync API inside the asyncio loop"), and pytest-xdist may
give test_rendered_site.py and test_slide_pdfs.py to the same worker.
"""

from __future__ import annotations

import pytest

import rendered_site as rs


@pytest.fixture(scope="session")
def chromium():
    """Headless Chromium (Debian's, else Playwright's), one per test process."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        rs.need("Playwright is not installed (pip install playwright)", "NNCOURSE_REQUIRE_BROWSER")
    try:
        with rs.browser() as browser:
            yield browser
    except Exception as error:  # no Chromium: Playwright's own error says which
        if "Executable doesn't exist" in str(error) or "executable" in str(error).lower():
            rs.need(f"no Chromium for Playwright: {str(error).splitlines()[0]}", "NNCOURSE_REQUIRE_BROWSER")
        raise
