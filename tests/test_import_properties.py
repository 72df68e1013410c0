"""Property tests: whatever the input, the importers never crash and their output is valid."""

import html

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from koers.importers import DocumentError, import_document
from koers.importers.families import DOCUMENT_FAMILIES
from koers.plans.document.validation import validate

FRAGMENTS = [
    "PE1-01 Een actieplan",
    "PE1-01-02 Een actie",
    "Actieplannen",
    "Terug naar navigatie - x",
    "Ons plan",
    "Stand van zaken",
    "Tijdspad en mijlpalen",
    "Tijdpad & mijlpalen",
    "Wat kost het",
    "Wat heeft het gekost?",
    "Wat wilden we bereiken?",
    "Omschrijving",
    "Wat hebben we gerealiseerd?",
    "6. Programma Bestuur",
    "6.1 Actielijn 1 Dienstverlening",
    "Budget voor 2023 uit het akkoord € 240.000",
    "Ingezet:",
    "Totaal € 1",
    "Resterend:",
    "€ 145.000",
    "STRATEGISCH DOEL 1:",
    "Tactische doelstelling 1.1:",
    "Operationele doelstelling 1.1.1:",
    "\tConcrete acties",
    "\ttiming",
    "\tbudget",
    "\tEen actie.",
    "\tvoorjaar 2011",
    "\tregulier",
    "\t€ 500",
    "Inleiding",
    "Trend 1",
    "  • Kader - gerealiseerd 2020",
    "  • Iets (2020-2021)",
    "    • genest (vanaf 2021)",
    "  • Groep:",
    "· punt",
    "- › pijl",
    "1.2.1.1 Code",
    "II.1.2 Romeins",
    "2025-3-2: Datum",
    "01/04/SAP/01/06 Schuin",
    "(1.000)",
    "x € 1.000",
    "Q4 2021",
    "voor 15 mei 2011",
    "",
    "# Kop",
    "## Kop twee",
    "regulier",
    "9 171 819",
    "-2.500 euro",
]

lines = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40)), min_size=0, max_size=60
)


def _check(content: bytes, filename: str, family=None) -> None:
    try:
        result = import_document(content, filename, family=family)
    except DocumentError as error:
        assert error.code in {"empty", "binary", "too_deep"}, error.code
        return
    validate(result.document)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=2000))
def test_any_text_gives_a_valid_plan_document_or_a_clear_refusal(text):
    _check(text.encode("utf-8", "surrogatepass"), "willekeurig.txt")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=lines,
    suffix=st.sampled_from(["txt", "md", "html"]),
    family=st.sampled_from([None, *DOCUMENT_FAMILIES]),
)
def test_plan_like_documents_in_any_family(body, suffix, family):
    text = "\n".join(body)
    if suffix == "html":
        text = "".join(
            f"<{tag}>{html.escape(line)}</{tag}>"
            for line, tag in zip(body, ["h2", "p", "li", "h3", "td"] * 20, strict=False)
        )
        text = (
            f"<html><body><ul>{text}</ul><table><tr><td>a</td><td>b</td></tr></table></body></html>"
        )
    _check(text.encode("utf-8", "surrogatepass"), f"plan.{suffix}", family)


@settings(max_examples=60, deadline=None)
@given(
    content=st.binary(max_size=3000),
    suffix=st.sampled_from(["docx", "pdf", "xlsx", "csv", "html"]),
)
def test_random_bytes_never_crash(content, suffix):
    try:
        result = import_document(content, f"bestand.{suffix}")
    except DocumentError:
        return
    validate(result.document)
