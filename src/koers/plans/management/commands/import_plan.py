import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from koers.accounts.models import Organisation
from koers.plans.document.load import load_plan_document
from koers.plans.document.validation import PlanDocumentError, parse
from koers.plans.models import Plan


class Command(BaseCommand):
    help = _("Import a PlanDocument (JSON) as a new plan, or replace an existing plan with it.")

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("PlanDocument JSON file ('-' for standard input)"))
        parser.add_argument("--organisation", help=_("slug of the organisation"))
        parser.add_argument(
            "--replace", type=int, metavar="PLAN_ID", help=_("replace the content of this plan")
        )
        parser.add_argument(
            "--yes", action="store_true", help=_("do not ask for confirmation when replacing")
        )

    def handle(self, *args, file, organisation=None, replace=None, yes=False, **options):
        text = sys.stdin.buffer.read() if file == "-" else self._read(file)
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
            result = load_plan_document(document, org, replace=target)
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

    def _read(self, file: str) -> bytes:
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("File not found: %(file)s") % {"file": file})
        return path.read_bytes()

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
