"""(a) A Flemish online plan or progress report.

Goal headings, each followed by a line such as 'Actieplannen'; action plans
headed by their code ('PE1-01 Title'); under each the sections 'Ons plan', 'Stand
van zaken', 'Tijdspad en mijlpalen' and 'Wat kost het' (or their synonyms).
Milestone bullets carry their period or 'gerealiseerd YEAR'; a bullet with
nested bullets groups milestones. Codes of the action plan's children mentioned
in the text ('(PE1-01-01)') become child actions; euro amounts in the cost text
become budget lines.
"""

import re

from koers.importers import codes
from koers.importers.draft import Draft, DraftItem
from koers.importers.families.common import (
    budget_lines_from,
    content_lines,
    milestone_from,
    note_years,
)
from koers.importers.lines import Line
from koers.importers.vocabulary import normalise, section_key, vocabulary

LEVELS = ("Beleidsdoelstelling", "Actieplan", "Actie")
FLEMISH_SECTIONS = {
    "ons plan",
    "stand van zaken",
    "tijdspad en mijlpalen",
    "tijdpad en mijlpalen",
    "wat kost het",
}
LETTER_CODE = re.compile(r"^[A-Z]{1,5}\d{1,3}(-\d{1,3}){1,4}$")


def score(lines: list[Line]) -> int:
    sections = sum(1 for line in lines if normalise(line.text) in FLEMISH_SECTIONS)
    coded = sum(
        1
        for line in lines
        if not line.bullet
        and (found := codes.leading_code(line.text))
        and LETTER_CODE.match(found[0])
    )
    return sections + coded if sections >= 2 else 0


def _is_goal_marker(line: Line) -> bool:
    return not line.bullet and normalise(line.text) in vocabulary()["levels"]["goal_markers"]


def parse(lines: list[Line]) -> Draft:
    draft = Draft(family="flemish_report", preset="flemish_bbc", levels=LEVELS)
    lines = content_lines(lines)
    note_years(draft, lines)
    goals: dict[str, DraftItem] = {}
    pending_goal: Line | None = None  # a goal title waiting for its first action plan
    current: DraftItem | None = None
    section = "description"
    last_text: tuple[DraftItem, str] | None = None
    preamble: list[Line] = []
    groups: list[tuple[int, str]] = []  # open milestone group bullets: (depth, title)
    previous: Line | None = None

    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else None
        if _is_goal_marker(line):
            if previous is not None:
                if last_text is not None and last_text[0].sections.get(last_text[1]):
                    section_lines = last_text[0].sections[last_text[1]]
                    if section_lines and section_lines[-1] is previous:
                        section_lines.pop()
                elif preamble and preamble[-1] is previous:
                    preamble.pop()
                pending_goal = previous
            current, last_text, previous = None, None, None
            continue
        found = codes.leading_code(line.text) if not line.bullet else None
        if found and LETTER_CODE.match(found[0]) and (line.heading or not line.text.endswith(".")):
            code, title = found
            parent = codes.parent_code(code) or code
            goal = goals.get(parent)
            if goal is None:
                if pending_goal is not None:
                    goal = DraftItem(pending_goal.text, "goal", pending_goal.source, code=parent)
                else:
                    goal = DraftItem(parent, "goal", line.source, code=parent)
                    draft.warn(
                        "goal_without_title",
                        "Action plan %(code)s has no goal heading above it; the goal is named "
                        "after its code.",
                        line.source,
                        code=code,
                    )
                goals[parent] = goal
                draft.items.append(goal)
            pending_goal = None
            current = DraftItem(title, "action_plan", line.source, code=code)
            goal.children.append(current)
            section, last_text, groups, previous = "description", None, [], line
            continue
        key = section_key(line.text) if not line.bullet else None
        if key is not None and current is not None:
            section, groups, previous = key, [], line
            continue
        previous = line
        if current is None:
            if pending_goal is None:
                preamble.append(line)
            continue
        if section == "milestones" and line.bullet:
            while groups and groups[-1][0] >= line.bullet:
                groups.pop()
            if following is not None and following.bullet > line.bullet:
                groups.append((line.bullet, line.text.rstrip(" :")))
                continue
            prefix = ": ".join(title for _depth, title in groups)
            current.milestones.append(milestone_from(line, prefix))
            continue
        target = "progress" if section == "milestones" else section
        current.add_text(target, line)
        last_text = (current, target)
        if section == "cost":
            current.budget.extend(budget_lines_from(line))
        _child_actions(current, line, draft)

    if preamble:
        draft.title = preamble[0].text
        draft.context = preamble[1:]
    if not draft.items:
        draft.warn("no_items", "No action plans with codes such as 'PE1-01' were found.")
    return draft


def _child_actions(action_plan: DraftItem, line: Line, draft: Draft) -> None:
    for code in codes.references(line.text):
        if not code.startswith(action_plan.code + "-"):
            continue
        if any(child.code == code for child in action_plan.children):
            continue
        title = without_code(line.text, code).strip(" .,:;-–")
        action_plan.children.append(DraftItem(title or code, "action", line.source, code=code))


def without_code(text: str, code: str) -> str:
    """``text`` without each ``code`` in it, with the spaces around it and the brackets
    right around those: what ``\\(?\\s*CODE\\s*\\)?`` removes, without compiling a
    pattern per code (a report names hundreds of codes)."""
    if not code:
        return text
    kept, position = [], 0
    while (found := text.find(code, position)) != -1:
        start, end = found, found + len(code)
        while start > position and text[start - 1].isspace():
            start -= 1
        if start > position and text[start - 1] == "(":
            start -= 1
        while end < len(text) and text[end].isspace():
            end += 1
        if end < len(text) and text[end] == ")":
            end += 1
        kept.append(text[position:start])
        position = end
    kept.append(text[position:])
    return "".join(kept)
