import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from koers.accounts.scoping import scope_of
from koers.plans.document.export import export_plan
from koers.plans.models import Plan


class Command(BaseCommand):
    help = _("Write a plan as a PlanDocument (JSON).")

    def add_arguments(self, parser):
        parser.add_argument("--plan", type=int, required=True, metavar="PLAN_ID")
        parser.add_argument("--out", default="-", help=_("output file ('-' for standard output)"))

    def handle(self, *args, plan, out="-", **options):
        with scope_of(Plan, plan):  # the plan's organisation
            self._export(plan, out)

    def _export(self, plan, out):
        found = Plan.objects.select_related("organisation").filter(pk=plan).first()
        if found is None:
            raise CommandError(_("There is no plan %(id)s.") % {"id": plan})
        text = json.dumps(export_plan(found), ensure_ascii=False, indent=2) + "\n"
        if out == "-":
            sys.stdout.write(text)
        else:
            with open(out, "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stderr.write(_("Plan %(id)s written to %(file)s.") % {"id": plan, "file": out})
