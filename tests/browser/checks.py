"""What every page must pass in a browser: no sideways scrolling of the page itself and no
serious or critical axe-core violations of WCAG 2.1 A and AA."""

from axe_playwright_python.sync_playwright import Axe

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
SIDEWAYS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def problems(page, where: str) -> list[str]:
    """The page's problems, each prefixed with ``where`` (empty: none)."""
    found = []
    overflow = page.evaluate(SIDEWAYS)
    if overflow > 1:
        found.append(f"{where}: the page scrolls sideways by {overflow} px")
    results = Axe().run(page, options={**WCAG_AA, "resultTypes": ["violations"]})
    for violation in results.response["violations"]:
        if violation["impact"] in ("serious", "critical"):
            targets = [node["target"] for node in violation["nodes"]][:3]
            found.append(f"{where}: axe {violation['id']} {targets}")
    return found
