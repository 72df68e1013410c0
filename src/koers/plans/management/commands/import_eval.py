import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from koers.importers import DocumentError, import_document
from koers.importers.evaluation import document_table, evaluate, load_expectation, total
from koers.importers.families import FAMILIES
from koers.plans.import_messages import error_text


class Command(BaseCommand):
    help = _(
        "Compare what the importer reads from FILE with a hand-written expectation and print "
        "precision and recall per kind of element."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "expected",
            help=_(
                "expectation file (koers.import-expectation JSON); with --corpus, a folder of them"
            ),
        )
        parser.add_argument(
            "file", nargs="?", help=_("the document, or a PlanDocument (.json) read from it")
        )
        parser.add_argument(
            "--corpus",
            metavar="DIR",
            help=_(
                "score every expectation file in EXPECTED whose document is in DIR, per "
                "document and per kind, with totals"
            ),
        )
        parser.add_argument("--family", choices=sorted(FAMILIES), help=_("read as this family"))
        parser.add_argument(
            "--details", action="store_true", help=_("list every missing or wrong element")
        )

    def handle(
        self, *args, expected, file=None, corpus=None, family=None, details=False, **options
    ):
        if corpus is not None:
            return self.corpus(Path(expected), Path(corpus), details)
        if file is None:
            raise CommandError(_("Give the document to compare, or --corpus DIR."))
        try:
            expectation = load_expectation(Path(expected).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(
                _("%(file)s is not an expectation file: %(error)s")
                % {"file": expected, "error": error}
            ) from None
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("File not found: %(file)s") % {"file": file})
        if path.suffix.lower() == ".json":
            document = json.loads(path.read_text(encoding="utf-8"))
        else:
            try:
                document = import_document(path.read_bytes(), path.name, family=family).document
            except DocumentError as error:
                raise CommandError(error_text(error)) from None
        result = evaluate(expectation, document)
        self.stdout.write(result.table())
        if details:
            self.details(result)

    def corpus(self, folder: Path, corpus: Path, details: bool) -> None:
        if not folder.is_dir() or not corpus.is_dir():
            raise CommandError(
                _("With --corpus, EXPECTED and DIR must be folders: %(folders)s")
                % {"folders": f"{folder}, {corpus}"}
            )
        evaluations = {}
        for path in sorted(folder.glob("*.json")):
            try:
                expectation = load_expectation(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise CommandError(
                    _("%(file)s is not an expectation file: %(error)s")
                    % {"file": path, "error": error}
                ) from None
            document = corpus / expectation.get("document", "")
            if not document.is_file():
                self.stdout.write(_("not found: %(file)s") % {"file": document})
                continue
            try:
                read = import_document(document.read_bytes(), document.name).document
            except DocumentError as error:
                self.stdout.write(f"{document.name}: {error_text(error)}")
                read = {"plan": {"items": []}}
            evaluations[path.stem] = evaluate(expectation, read)
            if details:
                self.stdout.write(f"== {path.stem}")
                self.details(evaluations[path.stem])
        self.stdout.write(document_table(evaluations))
        self.stdout.write("")
        self.stdout.write(total(evaluations).table())

    def details(self, result) -> None:
        for element in result.missing:
            self.stdout.write(_("missing: %(element)s") % {"element": _brief(element)})
        for element, found, keys in result.wrong:
            self.stdout.write(
                _("wrong %(keys)s: expected %(expected)s, found %(found)s")
                % {
                    "keys": ", ".join(keys),
                    "expected": {key: element.get(key) for key in keys},
                    "found": {key: found.get(key) for key in keys},
                }
                + f" ({_brief(element)})"
            )
        for element in result.unexpected:
            self.stdout.write(_("not expected: %(element)s") % {"element": _brief(element)})


def _brief(element: dict) -> str:
    return f"{element.get('kind')} line {element.get('line')} {element.get('code') or ''}".strip()
