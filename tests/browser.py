"""A real browser for the tests: headless Chromium (Debian's /usr/bin/chromium) driven by Playwright, with axe-core.

Why this module exists: careprint checks its web pages in Python at build time (careprint.webcheck), but whether a
page reflows on a phone, and what a screen reader is given, only a browser can say. The web edition's tests and the
staff catalogue's use these three functions, with one browser per test module (the `browser` fixture of
tests/test_web_browser.py, or `Browser()` as a context manager):

    axe_violations(path) -> list     axe-core's violations (every rule axe runs by default), [] when there are none
    overflow_at(path, width_px)      CSS px of sideways scroll at that window width (0: nothing overflows)
    screenshot(path, png, width_px)  the whole page as a PNG, to look at

Pages are loaded from files, in a fresh profile, with the network cut off: a page that tried to fetch anything
would fail its test rather than reach the internet. Never `playwright install`: the browser is the system's.
axe-core comes from npm (tests/browser/package.json, pinned; `npm ci` there, run by ./setup.sh --test).
Outside CI a machine without Chromium, Playwright or axe-core skips these tests; in CI (CI=true) they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

CHROMIUM = Path(os.environ.get("CAREPRINT_CHROMIUM", "/usr/bin/chromium"))
AXE = Path(__file__).parent / "browser" / "node_modules" / "axe-core" / "axe.min.js"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]


def missing() -> str:
    """What this machine lacks to run the browser tests ('' when nothing), and how to get it."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (./setup.sh --test installs it)"
    if not CHROMIUM.is_file():
        return f"Chromium is not at {CHROMIUM} (./setup.sh --test installs Debian's chromium)"
    if not AXE.is_file():
        return f"axe-core is not at {AXE} (./setup.sh --test runs npm ci in tests/browser/)"
    return ""


class Browser:
    """One headless Chromium for many pages. Each page is opened in a fresh context that may load only file: and
    data: addresses."""

    def __init__(self) -> None:
        from playwright.sync_api import sync_playwright

        self.profile = tempfile.mkdtemp(prefix="careprint-chromium-")
        self.playwright = sync_playwright().start()
        try:
            self.context = self.playwright.chromium.launch_persistent_context(
                self.profile, executable_path=str(CHROMIUM), headless=True, args=FLAGS, offline=True)
        except Exception:
            self.playwright.stop()
            raise
        self.axe = AXE.read_text(encoding="utf-8")
        self.fetched: list[str] = []  # every address a page asked for other than file: and data:

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.context.close()
        finally:
            self.playwright.stop()
            shutil.rmtree(self.profile, ignore_errors=True)

    def _open(self, path: Path, width_px: int, height_px: int = 800):
        page = self.context.new_page()

        def guard(route) -> None:
            url = route.request.url
            if url.startswith(("file:", "data:")):
                route.continue_()
            else:
                self.fetched.append(url)
                route.abort()

        page.route("**/*", guard)
        page.set_viewport_size({"width": width_px, "height": height_px})
        page.goto(Path(path).resolve().as_uri(), wait_until="load")
        page.evaluate("document.fonts.ready")
        return page

    def axe_violations(self, path: Path) -> list[dict]:
        """axe-core's violations on the page (its default rules: WCAG 2 A and AA, and best practices)."""
        page = self._open(path, 1280)
        try:
            page.add_script_tag(content=self.axe)
            result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
            return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
                     "nodes": [node["target"] for node in v["nodes"]]} for v in result["violations"]]
        finally:
            page.close()

    def overflow_at(self, path: Path, width_px: int) -> int:
        """How far the page scrolls sideways in a window `width_px` CSS px wide (0: it all fits)."""
        page = self._open(path, width_px)
        try:
            return int(page.evaluate(
                "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
                " - document.documentElement.clientWidth"))
        finally:
            page.close()

    def smallest_text_px(self, path: Path, width_px: int = 320) -> float:
        """The smallest computed font size, in CSS px, of any element that shows text of its own."""
        page = self._open(path, width_px)
        try:
            return float(page.evaluate(
                "Math.min(...[...document.body.querySelectorAll('*')].filter(e => [...e.childNodes].some("
                "n => n.nodeType === 3 && n.textContent.trim())).map(e => parseFloat(getComputedStyle(e).fontSize)))"))
        finally:
            page.close()

    def screenshot(self, path: Path, png: Path, width_px: int) -> Path:
        """The whole page, `width_px` CSS px wide, as a PNG."""
        page = self._open(path, width_px)
        try:
            page.screenshot(path=str(png), full_page=True)
            return Path(png)
        finally:
            page.close()


_shared: Browser | None = None


def _browser() -> Browser:
    """The module-level functions share one browser, started when first needed and closed at exit."""
    global _shared
    if _shared is None:
        import atexit

        _shared = Browser()
        atexit.register(_shared.close)
    return _shared


def axe_violations(path: Path) -> list[dict]:
    return _browser().axe_violations(path)


def overflow_at(path: Path, width_px: int) -> int:
    return _browser().overflow_at(path, width_px)


def screenshot(path: Path, png: Path, width_px: int) -> Path:
    return _browser().screenshot(path, png, width_px)


def report(violations: list[dict]) -> str:
    """axe's violations, one a line, for a test's failure message."""
    return "\n".join(json.dumps(v) for v in violations)
