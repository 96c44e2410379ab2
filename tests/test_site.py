"""Browser test of the built site: every page opened in headless Chromium, served on localhost.

Checks per page: no console errors, every image loaded, every internal link (and its
#fragment) resolves, and no request leaves localhost (the site must work offline).
Screenshots of the landing page and one chapter go to ``_build/test-output/screenshots``.
Needs Debian's ``chromium`` and ``chromium-driver``; skipped without them unless
``REQUIRE_BROWSER_TESTS=1`` (set by ``.ci/run``), which turns the skip into a failure.
"""

from __future__ import annotations

import contextlib
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
# Schemes that never reach the network (chrome: and chrome-untrusted: are the browser's own user interface).
LOCAL_SCHEMES = ("data", "blob", "about", "chrome", "chrome-extension", "chrome-untrusted")


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


def test_equations_are_typeset(site: Path, base_url: str, browser: object) -> None:
    """Every page with TeX math loads MathJax and typesets it (none is left as raw \\( ... \\) text)."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    count = ("return [document.querySelectorAll('mjx-container').length, "
             "document.querySelectorAll('span.math, div.math').length];")
    with_math = [page for page in pages(site) if 'class="math notranslate' in (site / page).read_text("utf-8")]
    assert "book/methods_event_study.html" in with_math
    for page in with_math:
        browser.get(f"{base_url}/{page}")
        with contextlib.suppress(TimeoutException):  # the assertion below says what was found
            WebDriverWait(browser, 15).until(lambda driver: driver.execute_script(count)[0] > 0)
        typeset = browser.execute_script(count)
        assert typeset[0] > 0, f"{page}: {typeset[1]} equations, none typeset by MathJax"


def test_screenshots_of_landing_page_and_a_chapter(site: Path, base_url: str, browser: object) -> None:
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    for name, page in (("landing", "book/intro.html"), ("overview", "book/00_overview.html")):
        browser.get(f"{base_url}/{page}")
        path = SCREENSHOTS / f"{name}.png"
        assert browser.save_screenshot(str(path))
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 20_000


def _prose_and_table_text(page: Path) -> str:
    """Return a page's rendered text outside code, scripts, styles and mathematics."""
    from html.parser import HTMLParser

    class Text(HTMLParser):
        skipped = frozenset({"script", "style", "code", "pre", "kbd", "samp", "math", "head"})

        def __init__(self) -> None:
            super().__init__()
            self.stack: list[bool] = []
            self.parts: list[str] = []

        def handle_starttag(self, tag: str, attrs: list) -> None:
            if tag in {"br", "img", "meta", "link", "input", "hr", "source", "wbr"}:
                return
            classes = (dict(attrs).get("class") or "").split()
            self.stack.append(tag in self.skipped or "math" in classes or "highlight" in classes)

        def handle_endtag(self, tag: str) -> None:
            if self.stack and tag not in {"br", "img", "meta", "link", "input", "hr", "source", "wbr"}:
                self.stack.pop()

        def handle_data(self, data: str) -> None:
            if not any(self.stack):
                self.parts.append(data)

    parser = Text()
    parser.feed(page.read_text(encoding="utf-8"))
    return " ".join(parser.parts)


def test_no_hyphen_minus_stands_before_a_number_in_prose_or_tables(site: Path) -> None:
    from deepseek_monday.present.typography import hyphen_signs

    problems = [f"{page}: {context!r}" for page in pages(site) if page.startswith("book/")
                for context in hyphen_signs(_prose_and_table_text(site / page))]
    assert not problems, f"{len(problems)} hyphen-minus signs:\n" + "\n".join(problems[:40])


def test_landing_page_leads_with_an_answer_per_theme(site: Path, base_url: str, browser: object) -> None:
    browser.get(f"{base_url}/book/intro.html")
    paragraphs = browser.execute_script(
        "return Array.from(document.querySelectorAll('article p')).map(p => p.innerText)")
    for theme, chapter in (("An AI bubble?", "10_bubble"), ("Software against infrastructure.", "20_saas"),
                           ("The sanctions irony.", "30_sanctions")):
        found = [p for p in paragraphs if p.startswith(theme)]
        assert len(found) == 1, f"no verdict paragraph for {theme!r}"
        assert re.search(r"\u2212?\d[\d,]*\.\d+ %", found[0]), f"{theme!r} quotes no percentage: {found[0]}"
        assert "cannot run" not in found[0], found[0]
        links = browser.execute_script(
            "return Array.from(document.querySelectorAll('article p')).filter(p => p.innerText.startsWith("
            "arguments[0])).flatMap(p => Array.from(p.querySelectorAll('a')).map(a => a.href))", theme)
        assert any(f"{chapter}.html" in link for link in links), f"{theme!r} does not link its chapter"
    text = browser.execute_script("return document.querySelector('article').innerText")
    assert "The day in numbers" in text and "PHLX Semiconductor index" in text
    assert "Re-run it" in text and "make book" in text and "make test" in text
    footer = browser.execute_script("return document.body.innerText")
    assert re.search(r"Last updated on \d{1,2} [A-Z][a-z]+ \d{4}", footer), "the build date is not in the footer"


def test_every_citation_resolves_to_the_bibliography(site: Path) -> None:
    cited: dict[str, list[str]] = {}
    for page in pages(site):
        text = (site / page).read_text(encoding="utf-8")
        assert "[?]" not in re.sub(r"<(script|style)\b.*?</\1>", "", text, flags=re.DOTALL), f"{page}: unresolved"
        for href in re.findall(r'<a class="reference internal" href="([^"]*references\.html#id\d+)"', text):
            cited.setdefault(page, []).append(href)
    assert {"book/intro.html", "book/methods.html"} <= set(cited), f"citations found on {sorted(cited)}"
    bibliography = (site / "book" / "references.html").read_text(encoding="utf-8")
    for page, hrefs in cited.items():
        for href in hrefs:
            fragment = href.split("#")[1]
            assert f'id="{fragment}"' in bibliography, f"{page}: citation {href} has no entry"
    for key in ("Brown", "Kolari", "Corrado", "Patell", "Holm", "Benjamini", "Carhart", "French", "Erichsen"):
        assert key in bibliography, f"{key} missing from the references"


def test_every_csv_link_loads(site: Path, base_url: str) -> None:
    import io
    import urllib.request
    import zipfile

    import pandas as pd

    links = {}
    for page in pages(site):
        for href in re.findall(r'href="([^"]+\.(?:csv|zip))"', (site / page).read_text(encoding="utf-8")):
            links[(page, href)] = f"{base_url}/{Path(page).parent.as_posix()}/{href}"
    assert any(href.endswith(".csv") for _, href in links) and any(h.endswith(".zip") for _, h in links)
    assert any(page == "book/intro.html" for page, _ in links)
    for (page, href), url in links.items():
        with urllib.request.urlopen(url) as response:
            content = response.read()
        if href.endswith(".csv"):
            assert len(pd.read_csv(io.BytesIO(content))) > 0, f"{page}: {href} is empty"
        else:
            with zipfile.ZipFile(io.BytesIO(content)) as bundle:
                assert any(name.endswith(".csv") for name in bundle.namelist()), f"{page}: {href} holds no CSV"
