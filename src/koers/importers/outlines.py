"""Outlines numbered without the seeds' codes: '1.1.1.1', 'BD-1', 'SD 1' / 'OD 1.1', 'Programma 2'.

A plain-text document (a transcribed PDF, a copied web page, a sitemap of a plan
website) often numbers its levels. :func:`coded_lines` finds the lines that
start with such a number and says each one's level:

- dotted numbers (``1.``, ``1.1``, ``1.1.1.1``, ``I.1.1``; a trailing dot is no
  part of the code; ``1 Titel`` alone only on a short line that goes on with a
  capital and does not end in a digit, and not three or more on adjacent lines,
  which is a numbered list): the level is the number of parts;
- a level word with a number (``Programma 2``, ``Beleidsdoelstelling 3:``): level 1
  plus the number's extra parts;
- level codes of letters and a number (``BD-1``, ``AP-1208``, ``ACT-188``, ``SD 1``,
  ``OD 1.1``, ``PE1-01``): each prefix is a level, in the order the prefixes first
  appear (``BD`` above ``AP`` above ``ACT``), with a prefix used once and numbers
  that nest (``SD 1`` / ``SD 1.2``) counted by their parts. Where a document
  numbers its goals with level codes, its plain numbers are chapters and make no
  items. A line holding several level codes (a table of contents printed on one
  line) gives one element for each.

Page links of a sitemap (``3. Blz. 12 …``) and a chapter number before a level
code (``1.2. SD 1 …``) are skipped. Lines that are table rows (``|``) or that go on
with a digit, a dash or a lower-case word after the number are not items.
"""

import re
from dataclasses import dataclass

from koers.importers.lines import Line

SITEMAP = re.compile(r"^(?:\d{1,3}[.)]\s+)?(?:blz|pagina|p)\.?\s*\d{1,4}\s+", re.IGNORECASE)
DOTTED = re.compile(
    r"^(?P<code>(?:[IVXL]{1,6}|\d{1,3})(?:\.\d{1,3}){1,5})\.?\s+(?P<rest>[^\W\d_].*)$"
)
SINGLE = re.compile(r"^(?P<code>\d{1,3})[.):]?\s+(?P<rest>[A-ZÀ-Ý].*)$")
LEVEL_WORD = re.compile(
    r"^(?P<word>programma|beleidsdomein|beleidsdoelstelling|prioritaire beleidsdoelstelling"
    r"|doelstelling|actieplan|thema|taakveld|ontwikkelpad)\s+"
    r"(?P<code>\d{1,3}(?:\.\d{1,3}){0,4})\s*[:.\-–]?\s+(?P<rest>\S.*)$",
    re.IGNORECASE,
)
# A level word that names an item's level without a seed code: 'Actie: Titel',
# 'Beleidsdoelstelling 3 - Titel', 'Prestatie 2.1: Titel'; the rank orders them.
LEVEL_RANKS = {
    "programma": 1,
    "prioritaire beleidsdoelstelling": 1,
    "beleidsdoelstelling": 1,
    "maatschappelijk effect": 1,
    "ontwikkelpad": 1,
    "taakveld": 2,
    "doelstelling": 2,
    "doel": 2,
    "actieplan": 2,
    "subdoel": 3,
    "actie": 3,
    "prestatie": 3,
    "resultaat": 3,
    "project": 3,
}
LEVEL_TITLE = re.compile(
    r"^(?P<word>" + "|".join(sorted(LEVEL_RANKS, key=len, reverse=True)) + r")"
    r"(?:\s+(?P<code>\d{1,3}(?:\.\d{1,3}){0,4}))?\s*[:\-–]\s+(?P<rest>[^\W\d_].*)$",
    re.IGNORECASE,
)
# A theme word before a capitalised title on a line of its own: 'Opgave Betaalbaar wonen'.
THEME_TITLE = re.compile(
    r"^(?P<word>(?i:opgave|thema|ambitie|speerpunt|actie|project|prestatie|subdoel))\s+"
    r"(?P<rest>[A-ZÀ-Ý][^\W\d_]*(?:\s+\S+){0,10})$"
)
THEME_RANK = 2
TOTAL = re.compile(
    r"^(?:sub)?totaal\s+(?P<code>[A-Z]{2,3}|\d{1,3})\s+(?P<rest>\S.*)$", re.IGNORECASE
)
LETTER_GROUP = re.compile(r"^[A-Z]{2,3} [A-ZÀ-Ý][^\d]*$")
LETTER_CODE = r"(?P<prefix>[A-Z]{1,5})(?P<sep>[- ]?)(?P<number>\d{1,4}(?:[.-]\d{1,4}){0,4})"
LETTERED = re.compile(rf"^{LETTER_CODE}\s*[:.]?\s+(?P<rest>[^\W\d_].*)$")
EMBEDDED = re.compile(rf"(?:^|\s)(?:\d{{1,4}}\s+)?(?={LETTER_CODE}\s*:\s+[^\W\d_])")
CHAPTER = re.compile(r"^(?:\d{1,3}\.)+\s*(?=[A-Z]{1,5}[- ]?\d)")
MAX_SINGLE = 120
MAX_LINE = 250
MIN_CODED = 2
MIN_LETTERED = 3


@dataclass
class Coded:
    line: Line
    code: str
    title: str
    level: int
    single: bool = False  # '1 Titel': a number without dots


def _lettered(text: str):
    text = CHAPTER.sub("", text, count=1)
    match = LETTERED.match(text)
    if match is None or match["sep"] == "":
        return None  # 'M2 Staat' or 'T1 Tabel' names a table; 'BD-1' and 'SD 1' are codes
    return match


def _split(line: Line, prefixes: set[str]) -> list[str]:
    """The parts of a line that holds several level codes followed by a colon."""
    starts = [
        m.end()
        for m in EMBEDDED.finditer(line.text)
        if re.match(LETTER_CODE, line.text[m.end() :])
        and re.match(LETTER_CODE, line.text[m.end() :])["prefix"] in prefixes
    ]
    if len(starts) < 2:
        return [line.text]
    parts = [line.text[a:b] for a, b in zip(starts, [*starts[1:], len(line.text)], strict=True)]
    return [re.sub(r"\s+\d{1,4}\s*$", "", part).strip() for part in parts]


def _glued(lettered: list) -> list:
    """'… voor gemeenten12 OD 2.2 We stimuleren …': a second code glued to a page number."""
    prefixes = "|".join(sorted({re.escape(prefix) for _l, prefix, _n, _t in lettered}))
    glued = re.compile(
        rf"\s*\d{{0,4}}\s+(?=(?:{prefixes})[- ]\d{{1,4}}(?:\.\d{{1,4}})*\s+[^\W\d_])"
    )
    found = []
    for line, prefix, number, title in lettered:
        parts = glued.split(title)
        found.append((line, prefix, number, parts[0]))
        for part in parts[1:]:
            if match := LETTERED.match(part):
                found.append((line, match["prefix"], match["number"], match["rest"]))
    return found


def coded_lines(lines: list[Line]) -> list[Coded] | None:
    """The numbered lines with their levels, or None when the document is no outline."""
    texts = [SITEMAP.sub("", line.text.strip(), count=1) for line in lines]
    colon_codes = [
        re.match(LETTER_CODE, text[m.end() :])["prefix"]
        for text in texts
        if len(text) > MAX_LINE
        for m in EMBEDDED.finditer(text)
    ]
    lettered: list[tuple[Line, str, str, str]] = []  # line, prefix, number, title
    for line, text in zip(lines, texts, strict=True):
        if "|" in text or line.cells:
            continue
        parts = [text]
        if len(colon_codes) >= MIN_LETTERED:
            parts = _split(Line(text, line.source), set(colon_codes))
        for part in parts:
            if len(part) > MAX_LINE and len(parts) == 1:
                continue
            match = _lettered(part)
            if match is not None:
                lettered.append((line, match["prefix"], match["number"], match["rest"]))
            elif len(parts) > 1 and (embedded := LETTERED.match(part)):
                lettered.append((line, embedded["prefix"], embedded["number"], embedded["rest"]))
    if len(lettered) >= MIN_LETTERED:
        lettered = _glued(lettered)
        order: list[str] = []
        for _line, prefix, _number, _title in lettered:
            if prefix not in order:
                order.append(prefix)
        found = []
        for line, prefix, number, title in lettered:
            separator = "-" if "-" in line.text and f"{prefix}-{number}" in line.text else " "
            code = f"{prefix}{separator}{number}"
            if len(order) > 1:
                level = order.index(prefix) + 1
            else:
                level = 1 + len(re.findall(r"[.-]", number))
            found.append(Coded(line, code, title.strip(), level))
        return found
    found = []
    for line, text in zip(lines, texts, strict=True):
        if "|" in text or line.cells or len(text) > MAX_LINE:
            continue
        if (match := LEVEL_WORD.match(text)) or (match := DOTTED.match(text)):
            code = match["code"]
            found.append(Coded(line, code, match["rest"].strip(), 1 + code.count(".")))
        elif (
            (match := SINGLE.match(text))
            and len(text) <= MAX_SINGLE
            and not text[-1].isdigit()  # '3 Stadhuis, Markt 1, 9999' is an address
        ):
            found.append(Coded(line, match["code"], match["rest"].strip(), 1, single=True))
    found = _without_lists(found, lines)
    if found:
        found = _with_totalled_groups(found, lines, texts)
    return found if len(found) >= MIN_CODED else None


def _with_totalled_groups(found: list[Coded], lines: list[Line], texts: list[str]) -> list[Coded]:
    """'AD Algemene middelen' is a group of a table when a later 'Totaal AD Algemene middelen'
    names it, beside numbered groups such as '01 Bestuur'."""
    named = {f"{m['code']} {m['rest'].strip()}" for text in texts if (m := TOTAL.match(text))}
    if not named:
        return found
    have = {id(element.line) for element in found}
    extra = [
        Coded(line, text.split(" ", 1)[0], text.split(" ", 1)[1], 1, single=True)
        for line, text in zip(lines, texts, strict=True)
        if id(line) not in have and text in named and LETTER_GROUP.match(text)
    ]
    if not extra:
        return found
    position = {id(line): index for index, line in enumerate(lines)}
    return sorted([*found, *extra], key=lambda element: position[id(element.line)])


def _without_lists(found: list[Coded], lines: list[Line]) -> list[Coded]:
    """Three or more single numbers on adjacent lines are a numbered list, not headings."""
    position = {id(line): index for index, line in enumerate(lines)}
    runs: list[list[Coded]] = []
    for element in found:
        if (
            element.single
            and runs
            and runs[-1][-1].single
            and position[id(element.line)] == position[id(runs[-1][-1].line)] + 1
        ):
            runs[-1].append(element)
        else:
            runs.append([element])
    return [e for run in runs if not (len(run) >= 3 and run[0].single) for e in run]
