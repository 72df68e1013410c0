import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from koers.importers import DocumentError, import_document
from koers.importers.evaluation import evaluate, load_expectation
from koers.importers.families import FAMILIES
from koers.plans.import_messages import error_text


class Command(BaseCommand):
    help = _(
        "Compare what the importer reads from FILE with a hand-written expectation and print "
        "precision and recall per kind of element."
    )

    def add_arguments(self, parser):
        parser.add_argument("expected", help=_("expectation file (koers.import-expectation JSON)"))
        parser.add_argument("file", help=_("the document, or a PlanDocument (.json) read from it"))
        parser.add_argument("--family", choices=sorted(FAMILIES), help=_("read as this family"))
        parser.add_argument(
            "--details", action="store_true", help=_("list every missing or wrong element")
        )

    def handle(self, *args, expected, file, family=None, details=False, **options):
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
