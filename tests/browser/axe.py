"""axe-core, as axe-playwright-python bundles it (no download at test time), run on the page a
browser test has drawn, against the WCAG 2.2 AA rules the network promises."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

_axe = Axe()


def axe_violations(page) -> list[str]:
    """One line per rule broken on the page as drawn now, naming the elements, or []."""
    results = _axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]},
    )
    return [
        f"{page.url} [{violation['id']}] {violation['help']}: "
        + "; ".join(
            f"{' '.join(node['target'])} ({node.get('failureSummary', '').strip()})"
            for node in violation["nodes"]
        )
        for violation in results.response["violations"]
    ]
