import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from koers.accounts.scoping import scope_of
from koers.followup.models import ReportingRound
from koers.plans.models import Plan
from koers.reporting.renderers import RENDERERS
from koers.reporting.services import filters_from, make_report


class Command(BaseCommand):
    help = _("Write the follow-up report of a plan as a website folder, PDF, Word or Excel.")

    def add_arguments(self, parser):
        parser.add_argument("--plan", type=int, required=True, help=_("the plan's id"))
        parser.add_argument("--round", type=int, help=_("the reporting round's id"))
        parser.add_argument("--format", choices=list(RENDERERS), required=True)
        parser.add_argument(
            "--out", required=True, help=_("a folder for html, a file for the other formats")
        )
        parser.add_argument("--subtree", default="", help=_("only the item with this code"))
        parser.add_argument("--priority", action="store_true", help=_("priority policy only"))
        parser.add_argument("--department", default="", help=_("only this department's items"))

    def handle(self, *args, **options):
        with scope_of(Plan, options["plan"]):  # the plan's organisation
            return self._report(options)

    def _report(self, options):
        plan = Plan.objects.filter(pk=options["plan"]).first()
        if plan is None:
            raise CommandError(_("There is no plan %(id)s.") % {"id": options["plan"]})
        round_ = None
        if options["round"]:
            round_ = ReportingRound.objects.filter(pk=options["round"], plan=plan).first()
            if round_ is None:
                raise CommandError(_("The plan has no round %(id)s.") % {"id": options["round"]})
        try:
            filters = filters_from(
                plan,
                {
                    "subtree": options["subtree"],
                    "priority_only": options["priority"],
                    "department": options["department"],
                },
            )
            with tqdm(total=0, unit=_("item"), file=sys.stderr, disable=None) as bar:

                def progress(done, total):
                    bar.total = total
                    bar.n = done
                    bar.refresh()

                out = make_report(
                    plan, round_, options["format"], Path(options["out"]), filters, progress
                )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(_("Report written to %(path)s") % {"path": out})
