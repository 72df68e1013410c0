"""The portal's accessibility statement (the EU model statement), from the project's own
automated check.

``tests/browser/test_portal_pages.py`` runs axe-core on every kind of portal page at 1280
and 390 px. Run with ``KOERS_WRITE_ACCESSIBILITY_CHECK=1`` it writes what it checked and
found to ``portal/data/accessibility-check.json`` (committed with the code); the statement
page reads that file: the pages and widths checked, the date, the rules, and every
violation found as a known exception. Any violation, of whatever impact, makes the status
"partially compliant"; without any, the statement still says that an automated check
covers only part of WCAG.
"""

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.utils.translation import gettext_lazy as _

CHECK_FILE = Path(__file__).resolve().parent / "data" / "accessibility-check.json"

FULL, PARTIAL, UNCHECKED = "full", "partial", "unchecked"

# The kinds of page the browser test checks, as the statement names them.
PAGE_NAMES = {
    "home": _("Home page"),
    "plan": _("Plan with its goals, filters and items"),
    "goal": _("Goal or action plan with its charts"),
    "item": _("Item with its progress, milestones and budget"),
    "search": _("Search results"),
    "not-found": _("Page not found"),
    "accessibility-statement": _("Accessibility statement"),
    "council-questions": _("Council questions: the rounds with public questions"),
    "council-round": _("Council questions and answers of a round"),
    "complaint-form": _("Complaint form"),
    "complaints": _("Complaints: the figures of the yearly report"),
}


@dataclass
class CheckedPage:
    name: str  # e.g. "home", "plan"
    width: int  # viewport width in CSS pixels
    rules: int  # axe rules that applied
    violations: list[dict] = field(default_factory=list)  # {"id", "impact", "help", "nodes"}

    @property
    def label(self) -> str:
        return str(PAGE_NAMES.get(self.name, self.name))


@dataclass
class Statement:
    status: str  # FULL, PARTIAL or UNCHECKED
    checked_on: date | None
    tool: str
    standard: str
    pages: list[CheckedPage]
    exceptions: list[dict]  # one per axe rule that failed: {"id","impact","help","pages"}
    contact_email: str


def read_check(path: Path = CHECK_FILE) -> dict | None:
    """The stored results of the automated check, or None when there are none."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def statement(organisation, check: dict | None = None) -> Statement:
    """The accessibility statement of the organisation's portal (``check``: the stored
    results, read from ``CHECK_FILE`` when not given)."""
    check = read_check() if check is None else check
    if not check:
        return Statement(UNCHECKED, None, "", "", [], [], organisation.contact_email)
    pages = [
        CheckedPage(page["name"], page["width"], page["rules"], page["violations"])
        for page in check["pages"]
    ]
    exceptions: dict[str, dict] = {}
    for page in pages:
        for violation in page.violations:
            found = exceptions.setdefault(
                violation["id"],
                {
                    "id": violation["id"],
                    "impact": violation["impact"],
                    "help": violation["help"],
                    "pages": [],
                },
            )
            found["pages"].append(f"{page.label} ({page.width} px)")
    return Statement(
        status=PARTIAL if exceptions else FULL,
        checked_on=date.fromisoformat(check["checked_on"]),
        tool=check["tool"],
        standard=check["standard"],
        pages=pages,
        exceptions=list(exceptions.values()),
        contact_email=organisation.contact_email,
    )


def check_document(tool: str, standard: str, pages: list[dict], checked_on: date) -> dict:
    """The JSON document the browser test writes: ``pages`` as
    [{"name", "width", "rules", "violations": [{"id","impact","help","nodes"}]}]."""
    return {
        "checked_on": checked_on.isoformat(),
        "tool": tool,
        "standard": standard,
        "pages": pages,
    }


def write_check(document: dict, path: Path = CHECK_FILE) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True)
    path.write_text(text + "\n", encoding="utf-8")
