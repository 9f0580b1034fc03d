"""Helpers of the browser tests: launching Chromium, stubbing the outside world, screenshots, axe-core."""

import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def missing_browser_reason():
    """Why the browser tests cannot run here, or None when chromium and playwright are both installed."""
    if shutil.which("chromium") is None:
        return "chromium is not installed: run bin/install-browser (Debian package 'chromium')"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "python playwright is not installed: run bin/install-browser (requirements-dev.txt)"
    return None


def browser_required():
    return os.environ.get("REQUIRE_BROWSER") == "1"


def _stub_outside_requests(route, origin):
    """Let the live server answer; anything else gets a small local page, so no request leaves the machine."""
    if route.request.url.startswith(origin):
        route.continue_()
    else:
        route.fulfill(
            status=200,
            content_type="text/html; charset=utf-8",
            body=f"<!DOCTYPE html><html lang='en'><title>Stub</title><p>Stub page for {route.request.url}</p></html>",
        )


def open_page(chromium, live_server, viewport=DESKTOP):
    context = chromium.new_context(viewport=viewport, base_url=live_server.url)
    context.set_default_timeout(15_000)
    origin = live_server.url
    context.route("**/*", lambda route: _stub_outside_requests(route, origin))
    return context, context.new_page()


def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def serious_axe_violations(page):
    """Run the vendored axe-core on the page; its serious and critical violations, one line each."""
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['impact']}: {violation['id']} ({violation['help']}) at "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in results["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def focused(page):
    """Id, tag, outline and position of the element that has keyboard focus."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            const box = el.getBoundingClientRect();
            return {id: el.id, tag: el.tagName.toLowerCase(), text: el.textContent.trim(),
                    outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth),
                    top: box.top, height: box.height, width: box.width};
        }"""
    )
