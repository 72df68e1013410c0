"""The importers' messages, for translation.

:mod:`koers.importers` is pure Python and writes its warnings and errors in
English with ``%(name)s`` placeholders. Every such text is listed here so that
the translation catalogue has it; a test keeps this list complete.
"""

from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_noop

MESSAGES = (
    gettext_noop("The file cannot be read: it is damaged or not what its name says."),
    gettext_noop("Choose the column that holds the titles."),
    gettext_noop("No action lines such as '6.1 Actielijn 1 Title' were found."),
    gettext_noop(
        "%(code)s: the stated total %(stated)s differs from the sum of the amounts spent, %(sum)s."
    ),
    gettext_noop(
        "%(code)s: the stated remainder %(stated)s differs from budget minus spent, %(computed)s."
    ),
    gettext_noop("No action plans with codes such as 'PE1-01' were found."),
    gettext_noop(
        "Action plan %(code)s has no goal heading above it; the goal is named after its code."
    ),
    gettext_noop("The document has no text to build a plan from."),
    gettext_noop(
        "%(count)s lines of page chrome (navigation, page numbers, repeated widgets) were left out."
    ),
    gettext_noop("%(code)s is %(levels)s levels below the item above it; check its level."),
    gettext_noop(
        "'%(label)s' has no field in Koers (or its value '%(value)s' was not understood); it was kept in the description."
    ),
    gettext_noop(
        "The page was read as one item with %(count)s labelled fields; its other text was kept as the item's description."
    ),
    gettext_noop("'%(title)s' is a row of a table whose other cells are empty; check it."),
    gettext_noop("The row has %(found)s of %(columns)s amounts; check its budget line."),
    gettext_noop("A numbered line under '%(parent)s' was taken as its child item %(code)s."),
    gettext_noop(
        "'%(title)s' was read as a milestone of '%(item)s' (the bullet ends in its timing or state); check it."
    ),
    gettext_noop(
        "'%(title)s' was read as a milestone of '%(item)s' (the bullets below it give its timing or state); check it."
    ),
    gettext_noop("'%(status)s' was read as the status of '%(item)s'; check it."),
    gettext_noop(
        "The traffic-light counts under '%(item)s' were kept in its progress note; they give its status only when they name one colour."
    ),
    gettext_noop("The phase '%(value)s' was read as the status '%(status)s'; check it."),
    gettext_noop(
        "A year grid of %(count)s milestones was read under '%(item)s'; check their periods."
    ),
    gettext_noop(
        "'%(name)s' was read as an indicator of '%(item)s' with %(count)s values and %(targets)s targets (code %(code)s); check it before loading: an indicator of the organisation with that code is updated."
    ),
    gettext_noop(
        "The stated difference %(stated)s is not the actual amount minus the budget, %(computed)s."
    ),
    gettext_noop(
        "The tree was built from the numbered lines only (%(count)s); other lines were kept as the text of the item above them. Check the levels before loading."
    ),
    gettext_noop(
        "No headings or lists were recognised; the text was kept as the plan's description."
    ),
    gettext_noop(
        "The document did not look like a known plan format; the tree was built from its headings and lists. Check the levels before loading."
    ),
    gettext_noop(
        "The file has no marked headings; short lines standing alone were taken as headings."
    ),
    gettext_noop("%(code)s has no goal above it in the document; it was placed at the top."),
    gettext_noop("No tables of concrete actions were found."),
    gettext_noop("A table row has fewer cells than its header."),
    gettext_noop(
        "No header row with a title column was found; name the columns (for example 'Code', 'Titel', 'Bovenliggende code')."
    ),
    gettext_noop("The sheet has no rows with a title."),
    gettext_noop("A row without a title was skipped."),
    gettext_noop("Status '%(status)s' is not known; it was kept in the description."),
    gettext_noop(
        "Parent code '%(code)s' does not occur in the sheet; the row was placed at the top."
    ),
    gettext_noop("Unknown document family '%(family)s'; choose one of %(families)s."),
    gettext_noop("The file is %(size)s MB; the limit is %(limit)s MB."),
    gettext_noop("The document contains no text (a scanned PDF has no text layer)."),
    gettext_noop("The document is nested too deeply to import."),
    gettext_noop(
        "Files of type '%(suffix)s' cannot be imported; use .txt, .md, .html, .docx, .pdf, .xlsx, .csv or a .zip of pages."
    ),
    # koers.importers.archive: a ZIP file or folder of saved pages
    gettext_noop("The ZIP file is damaged and cannot be read."),
    gettext_noop(
        "The ZIP file contains a file name that points outside the archive ('%(name)s'); nothing was read."
    ),
    gettext_noop(
        "The ZIP file contains another archive ('%(name)s'); unpack it and put its pages in the one ZIP file."
    ),
    gettext_noop("A file in the ZIP file lies %(value)s folders deep; the limit is %(limit)s."),
    gettext_noop("The ZIP file is protected with a password; make a ZIP file without a password."),
    gettext_noop("The ZIP file or folder contains no pages (.html, .htm, .txt or .md)."),
    gettext_noop("The page %(file)s was left out: it cannot be read."),
    gettext_noop("The page %(file)s was linked to '%(title)s' by its title only; check it."),
    # koers.importers.readers.ocr: a scanned PDF
    gettext_noop(
        "The PDF has no text layer (it is a scan) and text recognition is not available on this server; ask the administrator to install tesseract-ocr and tesseract-ocr-nld, or import a PDF with text."
    ),
    gettext_noop(
        "The PDF has no text layer (it is a scan): the text of its %(count)s pages was recognised (OCR). Check titles, codes and amounts: recognition makes mistakes."
    ),
    gettext_noop(
        "Text recognition stopped after %(done)s of %(count)s pages to stay within the time limit; the other pages were left out."
    ),
    gettext_noop("The file is empty."),
    gettext_noop("The file is named .%(fmt)s but its content is not a %(fmt)s document."),
    gettext_noop(
        "The file is named .%(fmt)s but contains a Word, Excel or PDF document; give it its proper extension."
    ),
    gettext_noop("The Word document is damaged and cannot be read."),
    gettext_noop("The HTML cannot be read: %(error)s"),
    gettext_noop("The PDF is damaged and cannot be read."),
    gettext_noop("The PDF is protected with a password; save an unprotected copy and import that."),
    gettext_noop("The CSV file cannot be read: %(error)s"),
    gettext_noop("The Excel file is damaged and cannot be read."),
    gettext_noop("The file does not contain readable text (is it a binary file?)."),
    gettext_noop("%(count)s more warnings were left out."),
    # koers.importers.limits.MESSAGES: a document beyond one of the import limits
    gettext_noop("Unpacked, the file holds %(value)s MB; the limit is %(limit)s MB."),
    gettext_noop(
        "Unpacked, the file holds more than %(limit)s MB, more than its own table of contents says; the limit is %(limit)s MB."
    ),
    gettext_noop("The file is a package of %(value)s parts; the limit is %(limit)s."),
    gettext_noop(
        "A part of the file unpacks to %(value)s times its packed size; the limit is %(limit)s."
    ),
    gettext_noop("The sheet has %(value)s rows; the limit is %(limit)s."),
    gettext_noop("The sheet has %(value)s columns; the limit is %(limit)s."),
    gettext_noop("The sheet has %(value)s cells; the limit is %(limit)s."),
    gettext_noop("A cell, paragraph or line holds %(value)s characters; the limit is %(limit)s."),
    gettext_noop("The file contains %(value)s paragraphs; the limit is %(limit)s."),
    gettext_noop("The file contains %(value)s lines; the limit is %(limit)s."),
    gettext_noop("The PDF has %(value)s pages; the limit is %(limit)s."),
    gettext_noop("The document is nested %(value)s levels deep; the limit is %(limit)s."),
    gettext_noop("The document gives %(value)s items; the limit is %(limit)s."),
    gettext_noop("Reading the file took longer than %(limit)s seconds; it was stopped."),
    gettext_noop("Reading the file needed more than %(limit)s MB of memory; it was stopped."),
    gettext_noop("Reading the file was interrupted; try again."),
    # money tables (koers.importers.money_tables)
    gettext_noop(
        "The table's columns name years but not whether they are budget or account; its amounts were not read."
    ),
    gettext_noop(
        "The amounts of schema %(name)s are for the whole plan; they were kept on an item of their own. Untick it if the plan's items carry their own budget lines."
    ),
    gettext_noop(
        "'%(title)s' names the amounts of a money table but is no item of the plan yet; it was added as a top-level item."
    ),
    gettext_noop(
        "The row's amounts do not fit the table's %(columns)s columns; they were not read."
    ),
    gettext_noop(
        "The stated %(stated)s is not what the other amounts give, %(computed)s; check the row."
    ),
    gettext_noop(
        "%(count)s financing rows (loans and repayments) were not read: Koers keeps operating and investment budgets only."
    ),
    gettext_noop(
        "%(count)s rows of the table (totals, results, rows of no known item or kind, from line %(first)s) are no budget lines and were not read."
    ),
    gettext_noop(
        "The table's columns do not say whether they are budget or account; its amounts were not read."
    ),
    gettext_noop(
        "The table has %(columns)s amount columns but %(years)s years; the year %(year)s is read as both account and plan. Check its budget lines."
    ),
    gettext_noop(
        "The amounts under '%(label)s' belong to no item of the plan; they were not read."
    ),
    gettext_noop(
        "The figure under '%(label)s' is not said to be a budget or an account; it was not read."
    ),
)


def translated(message: str, params: dict | None = None) -> str:
    """The message in the active language; numbers in its parameters are written the
    local way (1.500.000 and 20,5 in Dutch)."""
    text = gettext(message)
    if params:
        params = {name: _number(value) for name, value in params.items()}
    try:
        return text % params if params else text
    except (KeyError, TypeError, ValueError):
        return message % params if params else message


def _number(value):
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return number_format(value, use_l10n=True, force_grouping=True)


def location_text(source: dict | None) -> str:
    if not source:
        return ""
    parts = []
    if source.get("file"):
        parts.append(gettext("file %(name)s") % {"name": source["file"]})
    if source.get("sheet"):
        parts.append(gettext("sheet %(name)s") % {"name": source["sheet"]})
    if source.get("page"):
        parts.append(gettext("page %(n)s") % {"n": source["page"]})
    if source.get("line"):
        parts.append(gettext("line %(n)s") % {"n": source["line"]})
    if source.get("paragraph"):
        parts.append(gettext("paragraph %(n)s") % {"n": source["paragraph"]})
    if source.get("row"):
        parts.append(gettext("row %(n)s") % {"n": source["row"]})
    return ", ".join(parts)


def warning_text(warning: dict) -> tuple[str, str]:
    """(location, text) of a stored importer warning, in the active language."""
    return location_text(warning.get("source")), translated(
        warning["message"], warning.get("params")
    )


def error_text(error) -> str:
    """The translated text of a :class:`koers.importers.DocumentError`."""
    return translated(error.message, error.params)
