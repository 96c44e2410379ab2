"""Browser test of the built site: every page opened in headless Chromium, served on localhost.

Checks per page: no console errors, every image loaded, every internal link (and its
#fragment) resolves, and no request leaves localhost (the site must work offline).
Screenshots of the landing page and one chapter go to ``_build/test-output/screenshots``.
Needs Debian's ``chromium`` and ``chromium-driver``; skipped without them unless
``REQUIRE_BROWSER_TESTS=1`` (set by ``.ci/run``), which turns the skip into a failure.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from deepseek_monday.build import editions
from deepseek_monday.build.runner import build_html
from deepseek_monday.data.paths import project_root

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
SCREENSHOTS = project_root() / "_build" / "test-output" / "screenshots"
# Schemes that never reach the network (chrome: is the browser's own user interface).
LOCAL_SCHEMES = ("data", "blob", "about", "chrome", "chrome-extension")


def _require_browser() -> None:
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not Path(path).is_file()]
    if missing:
        message = f"{missing} not installed (apt-get install chromium chromium-driver)"
        if os.environ.get("REQUIRE_BROWSER_TESTS") == "1":
            pytest.fail(message)
        pytest.skip(message)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The book assembled from the committed executed notebooks into a temporary folder."""
    _require_browser()
    html, _ = build_html(project_root(), tmp_path_factory.mktemp("site") / "html", force=True)
    # Publish the editions index as the runner does, from a scratch project with no editions,
    # so the test does not depend on editions built on this machine.
    editions.publish(tmp_path_factory.mktemp("no-editions"), html)
    return html


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    _require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1300,1600", f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    yield driver
    driver.quit()


def pages(site: Path) -> list[str]:
    skipped = {"_static", "_sources", "_images"}  # assets and templates, not pages
    return sorted(str(p.relative_to(site)) for p in site.rglob("*.html")
                  if not skipped & set(p.relative_to(site).parts))


def _target_exists(site: Path, url: str, base_url: str) -> str | None:
    """Return a problem with an internal link, or None if its file (and fragment) exist."""
    parts = urlsplit(url)
    path = site / unquote(parts.path).lstrip("/")
    if path.is_dir():
        path = path / "index.html"
    if not path.is_file():
        return f"{url}: no such file"
    if parts.fragment and path.suffix == ".html":
        text = path.read_text(encoding="utf-8", errors="replace")
        if not re.search(rf'id="{re.escape(unquote(parts.fragment))}"', text):
            return f"{url}: no element with id {parts.fragment!r}"
    return None


def test_every_page_loads_cleanly_offline(site: Path, base_url: str, browser: object) -> None:
    problems: list[str] = []
    visited = pages(site)
    assert {"index.html", "book/intro.html", "book/00_overview.html", "editions/index.html"} <= set(visited)
    for page in visited:
        browser.get_log("performance")  # drop the previous page's entries
        browser.get(f"{base_url}/{page}")
        browser.execute_script("return document.readyState")
        for entry in browser.get_log("browser"):
            if entry["level"] == "SEVERE":
                problems.append(f"{page}: console error: {entry['message']}")
        broken = browser.execute_script(
            "return Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)")
        problems += [f"{page}: image not loaded: {src}" for src in broken]
        for entry in browser.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                url = message["params"]["request"]["url"]
                parts = urlsplit(url)
                if parts.scheme not in LOCAL_SCHEMES and parts.hostname not in ("127.0.0.1", "localhost"):
                    problems.append(f"{page}: request leaves localhost: {url}")
        links = browser.execute_script("return Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")
        for link in links:
            if link.startswith(base_url):
                problem = _target_exists(site, link[len(base_url):], base_url)
                if problem:
                    problems.append(f"{page}: broken internal link {problem}")
    assert len(visited) >= 6
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def test_screenshots_of_landing_page_and_a_chapter(site: Path, base_url: str, browser: object) -> None:
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    for name, page in (("landing", "book/intro.html"), ("overview", "book/00_overview.html")):
        browser.get(f"{base_url}/{page}")
        path = SCREENSHOTS / f"{name}.png"
        assert browser.save_screenshot(str(path))
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 20_000
