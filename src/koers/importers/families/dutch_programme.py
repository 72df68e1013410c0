"""(b) A Dutch programme report with the three W-questions.

'6. Programma Title' opens a programme; '6.1 Actielijn 1 Title' an action line
(or doel, speerpunt …, see ``vocabulary.toml``). Under each: 'Omschrijving',
'Wat wilden we bereiken?', 'Wat hebben we gerealiseerd?' and 'Wat heeft het
gekost?'. The cost text gives the budget ('Budget voor 2023 … € 240.000'), the
amounts spent under 'Ingezet:' (an amount may stand on the line after its
label), 'Totaal' and 'Resterend:'. Chapters such as 'Inleiding' and 'Trend 1'
become the plan's context.
"""

import re
from decimal import Decimal

from koers.importers.amounts import bare_amount, euro_amounts, scale_of
from koers.importers.draft import Draft, DraftBudget, DraftItem
from koers.importers.families.common import content_lines, note_years
from koers.importers.lines import Line
from koers.importers.vocabulary import is_context_chapter, normalise, section_key, vocabulary

LEVELS = ("Programma", "Actielijn", "Activiteit")
W_QUESTIONS = {
    "wat wilden we bereiken",
    "wat hebben we gerealiseerd",
    "wat heeft het gekost",
    "wat willen we bereiken",
    "wat gaan we ervoor doen",
    "wat mag het kosten",
}
BUDGET = re.compile(r"^(?:beschikbaar\s+)?budget\b(?:.*?\b(?P<year>(?:19|20|21)\d\d)\b)?", re.I)
SPENT = re.compile(r"^(?:ingezet|besteed|uitgegeven|gerealiseerd)\s*:?\s*$", re.I)
TOTAL = re.compile(r"^totaal\b", re.I)
REMAINING = re.compile(r"^(?:resterend|restant|nog beschikbaar|saldo)\b", re.I)


def _words(kind: str) -> str:
    return "|".join(re.escape(word) for word in vocabulary()["levels"][kind])


def _programme():
    return re.compile(
        r"^(?P<code>\d{1,2})\.?\s+(?:" + _words("programme") + r")\s+(?P<title>\S.*)$", re.I
    )


def _subheading():
    return re.compile(
        r"^(?P<code>\d{1,2}\.\d{1,2})\.?\s+(?:(?P<word>"
        + _words("subheadings")
        + r")(?:\s+\d{1,2})?\s*:?\s+)?(?P<title>\S.*)$",
        re.I,
    )


def score(lines: list[Line]) -> int:
    questions = sum(1 for line in lines if normalise(line.text) in W_QUESTIONS)
    subheading = _subheading()
    headed = sum(
        1
        for line in lines
        if (m := subheading.match(line.text)) and m["word"] and len(line.text) < 200
    )
    return questions + headed if questions >= 2 else 0


def parse(lines: list[Line]) -> Draft:
    draft = Draft(family="dutch_programme", preset="dutch_pc", levels=LEVELS)
    lines = content_lines(lines)
    note_years(draft, lines)
    programme_re, subheading_re = _programme(), _subheading()
    programme: DraftItem | None = None
    current: DraftItem | None = None
    section = "description"
    in_context = False
    cost: _Cost | None = None
    for line in lines:
        text = line.text
        if not line.bullet and (match := programme_re.match(text)) and len(text) < 200:
            programme = DraftItem(match["title"], "programme", line.source, code=match["code"])
            draft.items.append(programme)
            draft.title = draft.title or text
            current, in_context, cost = None, False, None
            continue
        match = subheading_re.match(text) if not line.bullet and len(text) < 200 else None
        if match and (match["word"] or line.heading) and _belongs(match["code"], programme):
            if cost is not None:
                cost.finish(draft)
            current = DraftItem(match["title"], "action_line", line.source, code=match["code"])
            if programme is None:
                code = match["code"].split(".")[0]
                programme = DraftItem(f"Programma {code}", "programme", line.source, code=code)
                draft.items.append(programme)
            programme.children.append(current)
            section, in_context, cost = "description", False, None
            continue
        if not line.bullet and is_context_chapter(text):
            if cost is not None:
                cost.finish(draft)
            current, in_context, cost = None, True, None
            draft.context.append(Line(text, line.source, heading=3))
            continue
        if in_context or current is None:
            if programme is None or in_context:
                draft.context.append(line)
            else:
                programme.add_text("description", line)
            continue
        key = section_key(text) if not line.bullet else None
        if key is not None:
            if cost is not None:
                cost.finish(draft)
                cost = None
            section = key
            if key == "cost":
                cost = _Cost(current)
            continue
        if section == "description" and normalise(text) == normalise(current.title):
            continue  # the title repeated under 'Omschrijving'
        current.add_text(section, line)
        if cost is not None:
            cost.read(line, draft)
    if cost is not None:
        cost.finish(draft)
    if not any(item.children for item in draft.items):
        draft.warn("no_items", "No action lines such as '6.1 Actielijn 1 Title' were found.")
    return draft


def _belongs(code: str, programme: DraftItem | None) -> bool:
    return programme is None or code.split(".")[0] == programme.code


class _Cost:
    """Reads the lines of one 'Wat heeft het gekost?' section."""

    def __init__(self, item: DraftItem):
        self.item = item
        self.mode = "budget"
        self.year: int | None = None
        self.budget: DraftBudget | None = None
        self.waiting_budget: Line | None = None
        self.label: Line | None = None  # a spent label whose amount is on a later line
        self.stated_total: Decimal | None = None
        self.stated_remaining: Decimal = Decimal(0)
        self.has_remaining = False
        self.scale = 1

    def read(self, line: Line, draft: Draft) -> None:
        text = line.text
        self.scale = scale_of(text) if scale_of(text) != 1 else self.scale
        amounts = [value * self.scale for value, _position in euro_amounts(text)]
        if not amounts and (alone := bare_amount(text)) is not None and self._expects_amount():
            amounts = [alone * self.scale]
        if match := BUDGET.match(text):
            self.year = int(match["year"]) if match["year"] else None
            self.mode = "budget"
            if amounts:
                self._set_budget(line, text, amounts[0])
            else:
                self.waiting_budget = line
            return
        if SPENT.match(text):
            self.mode = "spent"
            return
        if TOTAL.match(text):
            self.stated_total = amounts[0] if amounts else None
            return
        if REMAINING.match(text):
            self.mode = "remaining"
            if amounts:
                self._remaining(amounts[0])
            return
        if not amounts:
            if self.mode == "spent":
                self.label = line
            return
        if self.waiting_budget is not None:
            self._set_budget(line, self.waiting_budget.text, amounts[0])
            self.waiting_budget = None
            return
        if self.mode == "spent":
            label = (
                text
                if euro_amounts(text) and _label(text)
                else (self.label.text if self.label else text)
            )
            self.item.budget.append(
                DraftBudget(line.source, label=_label(label), year=self.year, actual=amounts[0])
            )
            self.label = None
        elif self.mode == "remaining":
            self._remaining(amounts[0])

    def _expects_amount(self) -> bool:
        return self.waiting_budget is not None or (self.mode == "spent" and self.label is not None)

    def _set_budget(self, line: Line, label: str, amount: Decimal) -> None:
        self.budget = DraftBudget(line.source, label=_label(label), year=self.year, initial=amount)
        self.item.budget.insert(0, self.budget)

    def _remaining(self, amount: Decimal) -> None:
        self.stated_remaining += amount
        self.has_remaining = True

    def finish(self, draft: Draft) -> None:
        spent = sum((line.actual or 0 for line in self.item.budget), Decimal(0))
        if self.stated_total is not None and self.stated_total != spent:
            draft.warn(
                "total_differs",
                "%(code)s: the stated total %(stated)s differs from the sum of the amounts "
                "spent, %(sum)s.",
                self.item.source,
                code=self.item.code,
                stated=str(self.stated_total),
                sum=str(spent),
            )
        if self.budget is not None and self.has_remaining:
            computed = (self.budget.initial or 0) - spent
            if computed != self.stated_remaining:
                draft.warn(
                    "remaining_differs",
                    "%(code)s: the stated remainder %(stated)s differs from budget minus "
                    "spent, %(computed)s.",
                    self.item.source,
                    code=self.item.code,
                    stated=str(self.stated_remaining),
                    computed=str(computed),
                )


def _label(text: str) -> str:
    label = re.sub(r"(?:€|EUR)\s*-?[\d.,\s]+(?:euro)?|[\d.,]+\s*(?:euro|€)", " ", text, flags=re.I)
    return " ".join(label.split()).strip(" :-–")
