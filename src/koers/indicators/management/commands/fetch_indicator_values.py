from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from koers.accounts.models import Organisation
from koers.accounts.scoping import scope_of_slug, scopes_disabled
from koers.indicators import feeds
from koers.indicators.models import IndicatorFeed


class Command(BaseCommand):
    help = _(
        "Fetch the values of the indicator feeds that are due by their schedule (monthly, "
        "quarterly, yearly), for cron. A feed asked for with --feed is fetched whatever "
        "its schedule."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisation", help=_("only this organisation (slug)"))
        parser.add_argument("--feed", type=int, help=_("fetch this feed (id) now"))
        parser.add_argument(
            "--dry-run", action="store_true", help=_("list the feeds that are due; fetch none")
        )

    def handle(self, *args, organisation=None, **options):
        # Without --organisation: the due feeds of every organisation, in one batch.
        chosen = scope_of_slug(organisation) if organisation else scopes_disabled()
        with chosen:
            return self._fetch(organisation=organisation, **options)

    def _fetch(self, *args, organisation=None, feed=None, dry_run=False, **options):
        org = None
        if organisation:
            org = Organisation.objects.filter(slug=organisation).first()
            if org is None:
                raise CommandError(
                    _("There is no organisation '%(slug)s'.") % {"slug": organisation}
                )
        if feed is not None:
            chosen = IndicatorFeed.objects.filter(pk=feed)
            if org is not None:
                chosen = chosen.filter(indicator__organisation=org)
            chosen = chosen.select_related("indicator", "indicator__organisation").first()
            if chosen is None:
                raise CommandError(_("There is no feed %(id)s.") % {"id": feed})
            todo = [chosen]
        else:
            todo = feeds.due_feeds(org)
        if dry_run:
            for item in todo:
                self.stdout.write(self._name(item))
            self.stdout.write(_("%(n)s feeds are due.") % {"n": len(todo)})
            return
        failed = 0
        for item in todo:
            outcome = feeds.run_feed(item.pk, asked=False)
            if outcome is None:
                self.stdout.write(
                    _("%(feed)s: being fetched already; skipped.") % {"feed": self._name(item)}
                )
                continue
            failed += not outcome.ok
            line = f"{self._name(item)}: {outcome.message}"
            (self.stdout if outcome.ok else self.stderr).write(line)
        self.stdout.write(
            _("%(n)s feeds fetched, %(failed)s failed.") % {"n": len(todo), "failed": failed}
        )
        if failed:
            raise CommandError(_("Some feeds could not be fetched; see above."))

    @staticmethod
    def _name(feed) -> str:
        indicator = feed.indicator
        return f"{indicator.organisation.slug} {indicator.code} #{feed.pk} ({feeds.describe(feed)})"
