"""axe-core in the browser: load the pinned axe.min.js into every page of a context, run it, summarise violations.

`make axe` (a dependency of `make test`) fetches axe-core from npm into `.cache/`, outside git. The app's CSP
allows no inline script, so ``page.add_script_tag`` is refused; an init script (evaluated by the browser itself
before the page's own scripts) is not subject to the page's CSP, so pages are checked with their real headers,
without ``bypass_csp``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

AXE_VERSION = "4.14.1"  # keep in step with AXE_VERSION in the Makefile
AXE_JS = Path(__file__).resolve().parents[2] / ".cache" / f"axe-core-{AXE_VERSION}" / "axe.min.js"
BLOCKING = ("critical", "serious")
IMPACTS = ("critical", "serious", "moderate", "minor")


@dataclass(frozen=True)
class Violation:
    """One axe rule broken on a page, with the CSS selectors of the offending elements."""

    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]

    @property
    def blocking(self) -> bool:
        return self.impact in BLOCKING

    def __str__(self) -> str:
        shown = ", ".join(self.targets[:5]) + (f" (+{len(self.targets) - 5} more)" if len(self.targets) > 5 else "")
        return f"[{self.impact}] {self.rule}: {self.help} — {shown}"


def new_axe_context(browser: Browser) -> BrowserContext:
    """A context whose every page has axe loaded (see the module docstring for why not ``add_script_tag``)."""
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `make axe` (npm pack axe-core@{AXE_VERSION})")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(path=str(AXE_JS))
    return context


def run_axe(page: Page) -> list[Violation]:
    """Every axe violation on the page as it stands (WCAG 2.x A/AA and best-practice rules)."""
    version = page.evaluate("() => window.axe.version")
    assert version == AXE_VERSION, f"axe {version} was injected, expected {AXE_VERSION}"
    results = page.evaluate("async () => await window.axe.run(document, {resultTypes: ['violations']})")
    return [
        Violation(
            rule=item["id"],
            impact=item["impact"] or "minor",
            help=item["help"],
            targets=tuple(" ".join(map(str, node["target"])) for node in item["nodes"]),
        )
        for item in results["violations"]
    ]


def impact_counts(violations: list[Violation]) -> dict[str, int]:
    """Number of offending elements per impact level (an element that breaks two rules counts twice)."""
    counts = Counter()
    for violation in violations:
        counts[violation.impact] += len(violation.targets)
    return {impact: counts[impact] for impact in IMPACTS}
