import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from koers.accounts.actor import Actor
from koers.accounts.models import Organisation
from koers.accounts.scoping import NO_ORGANISATION, scope, scope_of, scope_of_slug
from koers.importers import DocumentError
from koers.importers.families import FAMILIES
from koers.plans.document.load import load_plan_document
from koers.plans.document.validation import PlanDocumentError, parse
from koers.plans.import_messages import error_text, location_text, warning_text
from koers.plans.models import Plan


class Command(BaseCommand):
    help = _(
        "Import a plan: a PlanDocument (JSON), or a document (.txt, .md, .html, .docx, .pdf, "
        ".xlsx, .csv) that is read into one. A PlanDocument may also replace an existing plan."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            help=_(
                "PlanDocument JSON file ('-' for standard input), a document, or a folder "
                "(or .zip) of saved pages of one plan website"
            ),
        )
        parser.add_argument(
            "--family",
            choices=sorted(FAMILIES),
            help=_("document family to read the document as (detected when left out)"),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("read the document and report, but write nothing"),
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help=_("print the PlanDocument read from the document to standard output"),
        )
        parser.add_argument(
            "--no-progress", action="store_true", help=_("never show a progress bar")
        )
        parser.add_argument(
            "--column",
            action="append",
            default=[],
            metavar="FIELD=HEADING",
            help=_("for a spreadsheet: the heading of the column that holds FIELD (title=Naam)"),
        )
        parser.add_argument("--organisation", help=_("slug of the organisation"))
        parser.add_argument(
            "--replace", type=int, metavar="PLAN_ID", help=_("replace the content of this plan")
        )
        parser.add_argument(
            "--yes", action="store_true", help=_("do not ask for confirmation when replacing")
        )

    def handle(self, *args, organisation=None, replace=None, **options):
        if replace is not None:
            chosen = scope_of(Plan, replace)  # the organisation of the plan it replaces
        elif organisation:
            chosen = scope_of_slug(organisation)
        else:
            only = list(Organisation.objects.values_list("pk", flat=True)[:2])
            chosen = scope(organisation=only[0] if len(only) == 1 else NO_ORGANISATION)
        with chosen:
            return self._import(organisation=organisation, replace=replace, **options)

    def _import(self, *args, file, organisation=None, replace=None, yes=False, **options):
        if file != "-" and Path(file).is_dir():  # saved pages of one plan website
            return self._import_document(*self._folder(file), organisation, replace, options)
        text = sys.stdin.buffer.read() if file == "-" else self._read(file)
        if file != "-" and Path(file).suffix.lower() != ".json":
            return self._import_document(file, text, organisation, replace, options)
        target = None
        if replace is not None:
            target = Plan.objects.select_related("organisation").filter(pk=replace).first()
            if target is None:
                raise CommandError(_("There is no plan %(id)s.") % {"id": replace})
            org = target.organisation
        else:
            org = self._organisation(organisation)
        try:
            document = parse(text)
            if target is not None and not yes:
                self._confirm(target)
            result = load_plan_document(document, org, actor=Actor.system(), replace=target)
        except PlanDocumentError as error:
            lines = [_("The file is not a valid PlanDocument; nothing was changed:")]
            lines += [f"  {problem}" for problem in error.problems[:50]]
            if len(error.problems) > 50:
                lines.append(_("  … and %(n)s more") % {"n": len(error.problems) - 50})
            raise CommandError("\n".join(lines)) from None
        for warning in result.warnings:
            self.stderr.write(warning)
        self.stdout.write(
            _("Plan %(id)s '%(title)s' loaded with %(count)s items in %(org)s.")
            % {
                "id": result.plan.id,
                "title": result.plan.title,
                "count": result.item_count,
                "org": org.name,
            }
        )
        if summary := result.indicator_summary():
            self.stdout.write(summary)

    def _read(self, file: str) -> bytes:
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("File not found: %(file)s") % {"file": file})
        return path.read_bytes()

    def _folder(self, folder: str) -> tuple[str, bytes]:
        """A folder of pages, packed as the ZIP file the web takes: (name, bytes)."""
        from koers.importers.archive import zip_folder
        from koers.plans.services.document_import import import_limits

        try:
            content = zip_folder(Path(folder), import_limits())
        except DocumentError as error:
            raise CommandError(
                _("%(file)s cannot be imported: %(reason)s Nothing was changed.")
                % {"file": folder, "reason": error_text(error)}
            ) from None
        return f"{Path(folder).resolve().name or 'pages'}.zip", content

    def _organisation(self, slug: str | None) -> Organisation:
        if slug:
            org = Organisation.objects.filter(slug=slug).first()
            if org is None:
                raise CommandError(_("There is no organisation '%(slug)s'.") % {"slug": slug})
            return org
        organisations = list(Organisation.objects.all()[:2])
        if len(organisations) != 1:
            raise CommandError(_("Name the organisation with --organisation SLUG."))
        return organisations[0]

    def _confirm(self, plan: Plan) -> None:
        question = _("Replace all content of plan %(id)s '%(title)s'? Type 'yes': ") % {
            "id": plan.id,
            "title": plan.title,
        }
        if not sys.stdin.isatty():
            raise CommandError(_("Replacing a plan needs confirmation: add --yes."))
        if input(question).strip().lower() not in {"yes", "ja", "j", "y"}:
            raise CommandError(_("Nothing was changed."))

    # -- documents (txt, md, html, docx, pdf, xlsx, csv) -------------------------------

    def _import_document(self, file, content, organisation, replace, options) -> None:
        from koers.plans.services.document_import import read_file

        if replace is not None:
            raise CommandError(_("--replace takes a PlanDocument (JSON) only."))
        org = None if options["dry_run"] else self._organisation(organisation)
        progress = None
        if not options["no_progress"] and len(content) > 1024 * 1024:
            progress = _ProgressBar(self.stderr, Path(file).name)
        try:
            # The same reading as on the web: within the import limits, in a child process.
            result = read_file(
                Path(file).name,
                content,
                family=options.get("family"),
                columns=_columns(options["column"]),
                progress=progress,
            )
        except DocumentError as error:
            raise CommandError(
                _("%(file)s cannot be imported: %(reason)s Nothing was changed.")
                % {"file": file, "reason": error_text(error)}
            ) from None
        finally:
            if progress is not None:
                progress.close()
        if options["json"]:
            self.stdout.write(json.dumps(result.document, ensure_ascii=False, indent=2))
        else:
            self._report(result)
        for warning in result.warnings:
            location, text = warning_text(warning.as_dict())
            self.stderr.write(f"{location}: {text}" if location else text)
        if options["dry_run"]:
            if not options["json"]:
                self.stdout.write(_("Dry run: nothing was written."))
            return
        try:
            loaded = load_plan_document(result.document, org, actor=Actor.system())
        except PlanDocumentError as error:
            lines = [_("The document could not be loaded; nothing was changed:")]
            lines += [f"  {problem}" for problem in error.problems[:50]]
            raise CommandError("\n".join(lines)) from None
        message = _("Plan %(id)s '%(title)s' loaded with %(count)s items in %(org)s.") % {
            "id": loaded.plan.id,
            "title": loaded.plan.title,
            "count": loaded.item_count,
            "org": org.name,
        }
        (self.stderr if options["json"] else self.stdout).write(message)

    def _report(self, result) -> None:
        counts = result.counts
        self.stdout.write(
            _("Format %(format)s, family %(family)s (detected: %(detected)s).")
            % {"format": result.format, "family": result.family, "detected": result.detected}
        )
        self.stdout.write(
            _("%(items)s items, %(milestones)s milestones, %(budget)s budget lines.")
            % {
                "items": sum(v for k, v in counts.items() if k not in ("milestone", "budget_line")),
                "milestones": counts.get("milestone", 0),
                "budget": counts.get("budget_line", 0),
            }
        )
        for depth, item in result.draft.walk():
            where = location_text(item.source.as_dict())
            code = f"{item.code} " if item.code else ""
            self.stdout.write(f"{'  ' * depth}{code}{item.title[:90]}  [{where}]")


def _columns(pairs: list[str]) -> dict[str, str] | None:
    columns = {}
    for pair in pairs:
        field, separator, heading = pair.partition("=")
        if not separator:
            raise CommandError(_("Write --column as FIELD=HEADING, for example title=Naam."))
        columns[field.strip()] = heading.strip()
    return columns or None


class _ProgressBar:
    """A tqdm bar on standard error, fed by the importer's progress callback."""

    def __init__(self, stream, name: str):
        from tqdm import tqdm

        self.bar = tqdm(total=0, desc=name, unit=_("part"), file=stream._out, leave=False)

    def __call__(self, done: int, total: int) -> None:
        if self.bar.total != total:
            self.bar.total = total
        self.bar.n = done
        self.bar.refresh()

    def close(self) -> None:
        self.bar.close()
