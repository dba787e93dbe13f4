"""Checking tools for the browser tests: axe-core, the Nu HTML Checker, pdftotext, and the
in-page measurements (tap targets, sideways scroll) the quality tests share.

The tools are pinned and installed into git-ignored folders under .tools/ on first use. If one
cannot be installed the test fails with the reason: a quality check that silently skips is a
check nobody runs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Page, Request, Response

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / ".tools"

AXE_VERSION = "4.14.1"
AXE_JS = TOOLS / "axe" / "node_modules" / "axe-core" / "axe.min.js"
VNU_VERSION = "26.9.27"
VNU_JAR = TOOLS / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# WCAG 2.2 A and AA: axe tags each rule with the version and level that introduced it.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
MIN_TARGET = 24  # CSS px, WCAG 2.2 SC 2.5.8 Target Size (Minimum)


def _run(command: list[str], what: str, timeout: int = 600) -> None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.fail(f"could not install {what}: {' '.join(command)} failed: {exc}")
    if done.returncode != 0:
        pytest.fail(
            f"could not install {what}: {' '.join(command)} exited {done.returncode}\n"
            f"{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        )


def _installed_version(package_json: Path) -> str | None:
    try:
        return str(json.loads(package_json.read_text())["version"])
    except (OSError, ValueError, KeyError):
        return None


def _npm_install(prefix: Path, package: str, version: str) -> None:
    if shutil.which("npm") is None:
        pytest.fail(
            f"npm is missing, so {package}@{version} cannot be installed (apt-get install npm)"
        )
    # --ignore-scripts: vnu-jar's postinstall would fetch a Java runtime; Debian's is used.
    _run(
        [
            "npm",
            "install",
            "--prefix",
            str(prefix),
            "--no-audit",
            "--no-fund",
            "--ignore-scripts",
            f"{package}@{version}",
        ],
        f"{package}@{version}",
    )


def _apt_install(package: str, why: str) -> None:
    apt = ["apt-get", "install", "-y", "--no-install-recommends", package]
    if os.geteuid() != 0:
        if shutil.which("sudo") is None:
            pytest.fail(f"{why} is missing and only root can run: {' '.join(apt)}")
        apt = ["sudo", "-n", *apt]
    _run(apt, f"{package} (for {why})")


@cache
def axe_source() -> str:
    """axe-core's source, installed at the pinned version if it is not there yet."""
    package_json = AXE_JS.parent / "package.json"
    if not AXE_JS.exists() or _installed_version(package_json) != AXE_VERSION:
        _npm_install(TOOLS / "axe", "axe-core", AXE_VERSION)
    if not AXE_JS.exists():
        pytest.fail(f"axe-core@{AXE_VERSION} installed, but {AXE_JS} is missing")
    return AXE_JS.read_text()


@cache
def java() -> str:
    if shutil.which("java") is None:
        _apt_install("default-jre-headless", "java (the Nu HTML Checker runs on it)")
    path = shutil.which("java")
    if path is None:
        pytest.fail("java is still missing after installing default-jre-headless")
    return path


@cache
def vnu_jar() -> Path:
    """The Nu HTML Checker's jar at the pinned version."""
    package_json = VNU_JAR.parent.parent.parent / "package.json"
    if not VNU_JAR.exists() or _installed_version(package_json) != VNU_VERSION:
        _npm_install(TOOLS / "vnu", "vnu-jar", VNU_VERSION)
    if not VNU_JAR.exists():
        pytest.fail(f"vnu-jar@{VNU_VERSION} installed, but {VNU_JAR} is missing")
    return VNU_JAR


@cache
def pdftotext() -> str:
    if shutil.which("pdftotext") is None:
        _apt_install("poppler-utils", "pdftotext")
    path = shutil.which("pdftotext")
    if path is None:
        pytest.fail("pdftotext is still missing after installing poppler-utils")
    return path


def ensure_tools() -> None:
    """Install whatever is missing before any page is opened, so a failure says why at once."""
    axe_source()
    java()
    vnu_jar()
    pdftotext()


# --- axe ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AxeViolation:
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]
    html: tuple[str, ...]
    summary: str

    def describe(self) -> str:
        nodes = "\n".join(
            f"      {target}  {html[:160]}"
            for target, html in zip(self.targets, self.html, strict=True)
        )
        return f"    [{self.impact}] {self.rule}: {self.help}\n{nodes}\n      {self.summary}"


def run_axe(page: Page, rules: list[str] | None = None) -> list[AxeViolation]:
    """axe's violations for the page as it is now: WCAG 2.2 A/AA, or just the named rules.

    Evaluated rather than added as a <script>: the page's CSP (script-src 'self') refuses an
    inline script, and the page is checked under the policy it really ships with.
    """
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    run_only = {"type": "rule", "values": rules} if rules else {"type": "tag", "values": WCAG_TAGS}
    result: dict[str, Any] = page.evaluate(
        """async (runOnly) => {
            const r = await axe.run(document, {runOnly, resultTypes: ['violations']});
            return {violations: r.violations.map(v => ({
                id: v.id, impact: v.impact || '', help: v.help,
                nodes: v.nodes.map(n => ({
                    target: n.target.join(' '), html: n.html, summary: n.failureSummary || '',
                })),
            }))};
        }""",
        run_only,
    )
    return [
        AxeViolation(
            rule=v["id"],
            impact=v["impact"],
            help=v["help"],
            targets=tuple(n["target"] for n in v["nodes"]),
            html=tuple(n["html"] for n in v["nodes"]),
            summary=v["nodes"][0]["summary"].replace("\n", " ") if v["nodes"] else "",
        )
        for v in result["violations"]
    ]


# --- Nu HTML Checker ------------------------------------------------------------------------


@dataclass(frozen=True)
class VnuMessage:
    page: str
    line: int
    message: str
    extract: str

    def describe(self) -> str:
        return f"    {self.page} line {self.line}: {self.message}\n      {self.extract!r}"


def run_vnu(documents: dict[str, str]) -> list[VnuMessage]:
    """The checker's errors for each named HTML document, from one java run for all of them."""
    java_path, jar = java(), vnu_jar()
    with tempfile.TemporaryDirectory(prefix="vnu-") as folder:
        names: dict[str, str] = {}
        files = []
        for index, (name, html) in enumerate(documents.items()):
            path = Path(folder) / f"page-{index:02d}.html"
            path.write_text(html, encoding="utf-8")
            names[path.name] = name
            files.append(str(path))
        done = subprocess.run(
            [java_path, "-jar", str(jar), "--format", "json", "--stdout", *files],
            capture_output=True,
            text=True,
            timeout=300,
        )
    try:
        report = json.loads(done.stdout)
    except ValueError:
        pytest.fail(f"the Nu HTML Checker gave no JSON (exit {done.returncode}):\n{done.stderr}")
    found = []
    for message in report.get("messages", []):
        if message.get("type") not in {"error", "non-document-error"}:
            continue
        file_name = str(message.get("url", "")).rsplit("/", 1)[-1]
        found.append(
            VnuMessage(
                page=names.get(file_name, file_name),
                line=int(message.get("lastLine", 0)),
                message=str(message.get("message", "")),
                extract=str(message.get("extract", "")),
            )
        )
    return found


# --- Console and network --------------------------------------------------------------------


@dataclass
class Watched:
    """Everything that went wrong on a page that a person would not see."""

    page: Page
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    # A page that is itself an error (the 404 page) is fetched with that status on purpose.
    expected_document_status: dict[str, int] = field(default_factory=dict)

    def assert_clean(self) -> None:
        assert self.console_errors == [], self.console_errors
        assert self.failed_requests == [], self.failed_requests

    def take(self) -> tuple[list[str], list[str]]:
        """What went wrong since the last call, and start afresh."""
        errors, failed = self.console_errors, self.failed_requests
        self.console_errors, self.failed_requests = [], []
        return errors, failed


def watch(page: Page) -> Watched:
    watched = Watched(page)

    def on_console(message: ConsoleMessage) -> None:
        # A CSP refusal shows up here as "Refused to ...".
        if message.type != "error":
            return
        url = message.location.get("url", "")
        if (
            "Failed to load resource" in message.text
            and url in watched.expected_document_status
            and str(watched.expected_document_status[url]) in message.text
        ):
            return
        watched.console_errors.append(f"{message.text} @ {url}")

    def on_failed(request: Request) -> None:
        watched.failed_requests.append(f"{request.method} {request.url}: {request.failure}")

    def on_response(response: Response) -> None:
        if response.status < 400:
            return
        if watched.expected_document_status.get(response.url) == response.status:
            return
        watched.failed_requests.append(
            f"{response.request.method} {response.url}: HTTP {response.status}"
        )

    page.on("console", on_console)
    page.on("pageerror", lambda error: watched.console_errors.append(f"uncaught: {error}"))
    page.on("requestfailed", on_failed)
    page.on("response", on_response)
    return watched


# --- Layout ---------------------------------------------------------------------------------

SIDEWAYS_SCROLL = """() => {
    const root = document.documentElement;
    return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth,
            innerWidth: window.innerWidth};
}"""


# What sticks out past the viewport and is not clipped by a scrolling box (an absolutely placed
# element escapes a scroller that is not its containing block): the outermost such elements.
WIDEST = """(limit) => {
    const clipped = (e) => {
        const absolute = ['absolute', 'fixed'].includes(getComputedStyle(e).position);
        for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
            if (getComputedStyle(a).overflowX === 'visible') continue;
            if (!absolute || a === e.offsetParent || (e.offsetParent && a.contains(e.offsetParent)))
                return true;
        }
        return false;
    };
    const out = [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > limit + 0.5 && !clipped(e));
    return out.filter(e => !out.includes(e.parentElement)).slice(0, 5).map(e =>
        e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
        (typeof e.className === 'string' && e.className.trim()
            ? '.' + e.className.trim().split(/\\s+/).join('.') : '') +
        ' right=' + Math.round(e.getBoundingClientRect().right));
}"""


def sideways_overflow(page: Page) -> str | None:
    """How far the page scrolls sideways, or None if it does not."""
    m = page.evaluate(SIDEWAYS_SCROLL)
    if m["scrollWidth"] <= min(m["clientWidth"], m["innerWidth"]):
        return None
    wide = page.evaluate(WIDEST, m["clientWidth"])
    return (
        f"scrollWidth {m['scrollWidth']} > clientWidth {m['clientWidth']}"
        f" (widest: {', '.join(wide)})"
    )


TAP_TARGETS = """(min) => {
    const small = [];
    const describe = (el) => {
        let s = el.tagName.toLowerCase();
        if (el.id) s += '#' + el.id;
        if (typeof el.className === 'string' && el.className.trim())
            s += '.' + el.className.trim().split(/\\s+/).join('.');
        const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim();
        return s + (text ? ' "' + text.slice(0, 40).replace(/\\s+/g, ' ') + '"' : '');
    };
    const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, label';
    for (const el of document.querySelectorAll(selector)) {
        if (el.tagName === 'LABEL' && !(el.control && el.control.type === 'radio')) continue;
        const style = getComputedStyle(el);
        if (style.display === 'none' || style.visibility === 'hidden') continue;
        if (el.closest('.visually-hidden, [hidden], [aria-hidden=true]')) continue;
        const rect = el.getBoundingClientRect();
        if (rect.width === 0 && rect.height === 0) continue;
        // WCAG 2.5.8's inline exception: a link in a sentence is as tall as the line.
        if (el.tagName === 'A' && style.display === 'inline' && el.closest('p, li')) continue;
        // A radio or checkbox is hit through its label: measure what a finger can press.
        let box = rect;
        if ((el.type === 'radio' || el.type === 'checkbox') && el.labels && el.labels.length) {
            const label = el.labels[0].getBoundingClientRect();
            if (label.width * label.height > rect.width * rect.height) box = label;
        }
        if (box.width < min - 0.01 || box.height < min - 0.01) {
            small.push(describe(el) + ' is ' + box.width.toFixed(1) + '×' + box.height.toFixed(1));
        }
    }
    return small;
}"""


def small_tap_targets(page: Page) -> list[str]:
    return list(page.evaluate(TAP_TARGETS, MIN_TARGET))


FOCUS_RING = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return {element: 'body', visible: false};
    const s = getComputedStyle(el);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
    const shadow = s.boxShadow && s.boxShadow !== 'none';
    let name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '');
    const text = (el.innerText || el.value || '').trim().slice(0, 30);
    return {element: name + (text ? ' "' + text + '"' : ''), visible: outline || shadow,
            outline: s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor,
            shadow: s.boxShadow};
}"""


def focus_ring(page: Page) -> dict[str, Any]:
    """The focused element and whether it draws a focus indicator (outline or box-shadow)."""
    return dict(page.evaluate(FOCUS_RING))


# Table content a person cannot see: a table wider than its scroll box (the cue to scroll is
# easy to miss on a phone), a cell whose content overflows it, or a table past the screen.
CLIPPED_TABLES = """() => {
    const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
        (typeof e.className === 'string' && e.className.trim()
            ? '.' + e.className.trim().split(/\\s+/).join('.') : '');
    const out = [];
    const width = document.documentElement.clientWidth;
    for (const table of document.querySelectorAll('table')) {
        if (table.closest('.visually-hidden')) continue;
        const box = table.getBoundingClientRect();
        if (box.width === 0) continue;
        if (box.right > width + 0.5) out.push(name(table) + ' ends at ' + Math.round(box.right));
        const wrap = table.parentElement;
        if (wrap.scrollWidth > wrap.clientWidth + 1)
            out.push(name(wrap) + ' scrolls: ' + wrap.scrollWidth + ' > ' + wrap.clientWidth);
        // A part hidden on purpose (the phone cards' column headings, clipped to nothing).
        const hidden = (e) => {
            for (let a = e; a && a !== table; a = a.parentElement)
                if (getComputedStyle(a).clipPath !== 'none') return true;
            return false;
        };
        for (const cell of table.querySelectorAll('th, td')) {
            if (cell.closest('.visually-hidden') || cell.getClientRects().length === 0) continue;
            if (hidden(cell)) continue;
            if (cell.scrollWidth > cell.clientWidth + 1)
                out.push(name(table) + ' cell "' + cell.innerText.trim().slice(0, 30) +
                    '" overflows: ' + cell.scrollWidth + ' > ' + cell.clientWidth);
        }
    }
    return out;
}"""


def clipped_tables(page: Page) -> list[str]:
    return list(page.evaluate(CLIPPED_TABLES))
