"""Fail-closed tenant scoping: a query of an organisation's data without an organisation
scope raises, in views, services, commands and jobs (koers/accounts/scoping.py).

Test code itself runs with scopes disabled (the autouse fixture in conftest.py); these tests
enter ``empty_scope()`` (or send a request, whose middleware does) to switch checking on.
"""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import F
from django.http import JsonResponse
from django.urls import path
from django.utils import timezone

from koers import urls as koers_urls
from koers.accounts.access import member_view
from koers.accounts.models import Organisation
from koers.accounts.scoping import (
    ScopeError,
    current_organisation,
    empty_scope,
    in_each_organisation,
    in_scope_of,
    scope,
    scoped_models,
)
from koers.plans.document.export import export_plan
from koers.plans.models import Plan, PlanItem
from koers.portal.views import portal_page

# Every model that belongs to an organisation, with the way to its organisation. A new model
# with a (non-null) key to an organisation or to one of these must be added here and get
# ``objects = OrganisationScopedManager(...)``; test_every_tenant_model_is_scoped says so.
SCOPED = {
    "accounts.Department": "organisation",
    "accounts.Membership": "organisation",
    "api.FeedToken": "membership__organisation",
    "audit.AuditEntry": "organisation",
    "complaints.Complainant": "complaint__organisation",
    "complaints.Complaint": "organisation",
    "complaints.ComplaintReminderSent": "complaint__organisation",
    "complaints.ComplaintSequence": "organisation",
    "complaints.ComplaintSettings": "organisation",
    "complaints_public.PortalComplaintForm": "organisation",
    "complaints_public.YearlyComplaintReport": "organisation",
    "council.CouncilSettings": "organisation",
    "council.Question": "organisation",
    "council.QuestionNotice": "question__organisation",
    "council.QuestionReminder": "question__organisation",
    "followup.Attachment": "update__round__plan__organisation",
    "followup.ProgressUpdate": "round__plan__organisation",
    "followup.ReminderSent": "round__plan__organisation",
    "followup.ReportingRound": "plan__organisation",
    "hosting.SingleSignOn": "organisation",
    "improvements.ActionImport": "organisation",
    "improvements.Evidence": "action__organisation",
    "improvements.ImprovementAction": "organisation",
    "improvements.ImprovementUpdate": "action__organisation",
    "improvements.Source": "organisation",
    "indicators.Indicator": "organisation",
    "indicators.IndicatorFeed": "indicator__organisation",
    "indicators.IndicatorTarget": "indicator__organisation",
    "indicators.IndicatorValue": "indicator__organisation",
    "indicators.ItemIndicator": "indicator__organisation",
    "indicators.ValueImport": "organisation",
    "notifications.Follow": "item__plan__organisation",
    "notifications.Notification": "item__plan__organisation",
    "plans.BudgetLine": "item__plan__organisation",
    "plans.DeletedSubtree": "plan__organisation",
    "plans.DocumentImport": "organisation",
    "plans.ImportProfile": "organisation",
    "plans.Milestone": "item__plan__organisation",
    "plans.Plan": "organisation",
    "plans.PlanItem": "plan__organisation",
    "plans.PlanStatus": "plan__organisation",
    "portal.PublishedItem": "snapshot__plan__organisation",
    "portal.PublishedSnapshot": "plan__organisation",
    "reporting.ReportJob": "plan__organisation",
    "reporting.RoundReportText": "round__plan__organisation",
}


# django-simple-history's copies of those models: scoped with the path of the model they copy
# (its columns are copied, keys included); the copies of many-to-many links through their
# history row.
HISTORY = {
    "accounts.HistoricalDepartment": "organisation",
    "accounts.HistoricalMembership": "organisation",
    "accounts.HistoricalMembership_departments": "history__organisation",
    "api.HistoricalFeedToken": "membership__organisation",
    "complaints.HistoricalComplaint": "organisation",
    "complaints.HistoricalComplaintSettings": "organisation",
    "complaints_public.HistoricalPortalComplaintForm": "organisation",
    "complaints_public.HistoricalYearlyComplaintReport": "organisation",
    "council.HistoricalCouncilSettings": "organisation",
    "council.HistoricalQuestion": "organisation",
    "followup.HistoricalAttachment": "update__round__plan__organisation",
    "followup.HistoricalProgressUpdate": "round__plan__organisation",
    "followup.HistoricalReportingRound": "plan__organisation",
    "improvements.HistoricalEvidence": "action__organisation",
    "improvements.HistoricalImprovementAction": "organisation",
    "improvements.HistoricalImprovementUpdate": "action__organisation",
    "improvements.HistoricalSource": "organisation",
    "indicators.HistoricalIndicator": "organisation",
    "indicators.HistoricalIndicatorFeed": "indicator__organisation",
    "indicators.HistoricalIndicatorTarget": "indicator__organisation",
    "indicators.HistoricalIndicatorValue": "indicator__organisation",
    "indicators.HistoricalItemIndicator": "indicator__organisation",
    "plans.HistoricalBudgetLine": "item__plan__organisation",
    "plans.HistoricalImportProfile": "organisation",
    "plans.HistoricalMilestone": "item__plan__organisation",
    "plans.HistoricalPlan": "organisation",
    "plans.HistoricalPlanItem": "plan__organisation",
    "plans.HistoricalPlanItem_departments": "history__plan__organisation",
    "plans.HistoricalPlanItem_sdg_goals": "history__plan__organisation",
    "plans.HistoricalPlanItem_sdg_targets": "history__plan__organisation",
    "plans.HistoricalPlanStatus": "plan__organisation",
    "reporting.HistoricalRoundReportText": "round__plan__organisation",
}
EVERY_SCOPED = SCOPED | HISTORY


def _tenant_models() -> set:
    """Every installed model with a non-null key to an organisation, or to such a model."""
    tenant = {Organisation}
    found = True
    while found:
        found = False
        for model in apps.get_models():
            if model in tenant:
                continue
            # a history copy's keys are nullable (the row outlives what it points to); it
            # belongs to the organisation of the model it copies (Organisation's own is not
            # tenant data, as Organisation is not)
            if getattr(model, "instance_type", Organisation) in tenant - {Organisation}:
                tenant.add(model)
                found = True
                continue
            for field in model._meta.get_fields():
                if (
                    field.concrete
                    and (field.many_to_one or field.one_to_one)
                    and not field.null
                    and field.related_model in tenant
                ):
                    tenant.add(model)
                    found = True
                    break
    return tenant - {Organisation}


def test_every_tenant_model_is_scoped():
    labels = {model._meta.label for model in scoped_models()}
    assert labels == set(EVERY_SCOPED)
    assert {model._meta.label for model in _tenant_models()} == set(EVERY_SCOPED)
    for model in scoped_models():
        assert model._default_manager.scope_path == EVERY_SCOPED[model._meta.label]
        assert model._default_manager is model.objects
        # Django reaches related objects (item.plan), saves and cascades through the base
        # manager, which stays unscoped; migrations get a plain manager.
        assert not hasattr(model._base_manager, "all_organisations")
        assert model.objects.use_in_migrations is False
    for model in scoped_models():
        if hasattr(model._meta, "simple_history_manager_attribute"):
            copies = model.history.model
            assert copies._default_manager.scope_path == model.objects.scope_path


@pytest.mark.django_db
@pytest.mark.parametrize("label", sorted(EVERY_SCOPED))
def test_an_unscoped_query_of_tenant_data_raises(label):
    model = apps.get_model(label)
    with empty_scope():
        queryset = model.objects.all()  # building a queryset is allowed; running it is not
        for run in (
            list,
            lambda qs: qs.count(),
            lambda qs: qs.exists(),
            lambda qs: qs.first(),
            lambda qs: list(qs.values_list("pk", flat=True)),
            lambda qs: qs.in_bulk([1]),
            lambda qs: qs.filter(pk=1).update(pk=F("pk")),
            lambda qs: qs.delete(),
            # as a subquery of an unscoped model, too
            lambda qs: list(Organisation.objects.filter(pk__in=qs.values("pk"))),
        ):
            with pytest.raises(ScopeError, match=model._meta.label):
                run(queryset)


@pytest.mark.django_db
def test_without_any_scope_at_all_a_query_raises_too():
    """Outside tests nothing disables scoping: a context without a scope raises."""
    from django_scopes.state import state

    token = state.set(None)
    try:
        with pytest.raises(ScopeError):
            Plan.objects.count()
    finally:
        state.reset(token)


def _rows(model, organisation) -> set:
    path = model.objects.scope_path
    return set(model.objects.all_organisations().filter(**{path: organisation}).values_list("pk"))


def test_scoped_to_an_organisation_every_model_returns_only_its_rows(demo):
    voorbeeld, proefdorp = demo.voorbeeld, demo.proefdorp
    plan, dutch_plan = demo.plan, demo.dutch_plan
    seen_other = 0
    for model in scoped_models():
        with empty_scope(), scope(organisation=voorbeeld):
            rows = set(model.objects.values_list("pk"))
        assert rows == _rows(model, voorbeeld), model._meta.label
        other = _rows(model, proefdorp)
        assert not rows & other, model._meta.label
        seen_other += bool(other)
    # the demo has rows of both organisations in most models, so the check means something
    assert seen_other >= 10
    with empty_scope(), scope(organisation=proefdorp):
        assert list(Plan.objects.values_list("organisation__slug", flat=True).distinct()) == [
            "proefdorp"
        ]
        # related managers are scoped as well
        assert plan.items.count() == 0
        assert dutch_plan.items.count() == len(_rows(PlanItem, proefdorp))


def test_the_scope_filter_adds_no_join_nor_query_for_a_model_with_an_organisation(
    demo, django_assert_num_queries
):
    voorbeeld, plan = demo.voorbeeld, demo.plan
    with empty_scope(), scope(organisation=voorbeeld):
        sql = str(Plan.objects.filter(is_published=True).query)
        assert "JOIN" not in sql.upper()
        assert '"plans_plan"."organisation_id" = ' in sql
        with django_assert_num_queries(1):
            assert len(Plan.objects.all()) == 1
        with django_assert_num_queries(1):
            PlanItem.objects.filter(plan=plan).count()


def test_a_related_object_by_its_key_needs_no_scope(demo):
    item = PlanItem.objects.filter(plan=demo.plan, depth=2).first()
    with empty_scope():
        assert item.plan.organisation.slug == "voorbeeld"  # the base manager, by design
        with pytest.raises(ScopeError):
            list(item.plan.items.all())


def test_history_is_scoped_through_every_way_in(demo):
    """A model's history (``PlanItem.history``), one object's (``item.history``) and the
    links of a history row (``record.departments``) need a scope and keep to it."""
    item, record = next(
        (item, record)
        for item in PlanItem.objects.filter(plan=demo.plan, departments__isnull=False)
        for record in item.history.all()
        if record.departments.exists()
    )
    other = PlanItem.objects.filter(plan=demo.dutch_plan).first()
    history = PlanItem.history.model
    assert history.objects.filter(plan=demo.dutch_plan).exists()  # the test sees both
    with empty_scope():
        for query in (
            lambda: list(PlanItem.history.all()),
            lambda: item.history.count(),
            lambda: item.history.first(),
            lambda: list(record.departments.all()),
            lambda: list(PlanItem.history.as_of(timezone.now())),
            lambda: history.objects.count(),
        ):
            with pytest.raises(ScopeError, match=r"plans\.HistoricalPlanItem"):
                query()
        with scope(organisation=demo.voorbeeld):
            assert set(PlanItem.history.values_list("plan_id", flat=True)) == {demo.plan.pk}
            assert item.history.count() == history.objects.filter(id=item.pk).count() > 0
            assert other.history.count() == 0
            assert record.departments.count() > 0
            assert {i.plan_id for i in PlanItem.history.as_of(timezone.now())} == {demo.plan.pk}
        with scope(organisation=demo.proefdorp):
            assert item.history.count() == 0
            assert record.departments.count() == 0
            assert other.history.count() > 0


@pytest.mark.urls("tests.test_tenant_scoping")
def test_a_view_reading_history_sees_only_its_organisation(demo, login):
    response = login("coordinator@voorbeeld.be").get("/app/voorbeeld/every-history/")
    assert response.json() == {"plans": [demo.plan.pk]}


# -- requests ----------------------------------------------------------------------------


@member_view
def _every_plan(request):
    """A view that forgets to filter by the request's organisation."""
    return JsonResponse({"plans": sorted(Plan.objects.values_list("pk", flat=True))})


@member_view
def _every_history(request):
    """A view that reads history and forgets to filter by the request's organisation."""
    plans = set(PlanItem.history.values_list("plan_id", flat=True))
    return JsonResponse({"plans": sorted(plans)})


def _plans_without_organisation(request):
    return JsonResponse({"plans": list(Plan.objects.values_list("pk", flat=True))})


@portal_page
def _portal_items(request, org):
    return JsonResponse({"items": PlanItem.objects.count()})


urlpatterns = [
    path("app/<slug:org>/every-plan/", _every_plan),
    path("app/<slug:org>/every-history/", _every_history),
    path("no-organisation/", _plans_without_organisation),
    path("<slug:org>/items/", _portal_items),
    *koers_urls.urlpatterns,
]


@pytest.mark.urls("tests.test_tenant_scoping")
def test_a_view_that_forgets_the_filter_sees_only_its_organisation(demo, login):
    client = login("coordinator@voorbeeld.be")
    response = client.get("/app/voorbeeld/every-plan/")
    assert response.json() == {"plans": [demo.plan.pk]}
    assert Plan.objects.count() > 1  # the test itself, unscoped, sees more
    # a member of one organisation asking for another's address gets 404, as before
    assert client.get("/app/proefdorp/every-plan/").status_code == 404


@pytest.mark.urls("tests.test_tenant_scoping")
def test_a_request_without_an_organisation_cannot_query_tenant_data(demo, client):
    # the test runs with scopes disabled; the request's middleware switches checking on
    with pytest.raises(ScopeError):
        client.get("/no-organisation/")


@pytest.mark.urls("tests.test_tenant_scoping")
def test_a_portal_page_is_scoped_to_the_organisation_of_its_address(demo, client):
    voorbeeld = PlanItem.objects.filter(plan__organisation=demo.voorbeeld).count()
    proefdorp = PlanItem.objects.filter(plan__organisation=demo.proefdorp).count()
    assert voorbeeld != proefdorp
    assert client.get("/voorbeeld/items/").json() == {"items": voorbeeld}
    assert client.get("/proefdorp/items/").json() == {"items": proefdorp}


# -- jobs, services and commands ---------------------------------------------------------


def test_a_job_runs_in_its_organisations_scope(demo):
    from koers.reporting.models import ReportJob
    from koers.reporting.tasks import make_report_job

    job = ReportJob.objects.create(plan=demo.dutch_plan, format="xlsx")

    @in_scope_of(ReportJob)
    def plans_seen(job_id):
        return set(Plan.objects.values_list("organisation__slug", flat=True))

    with empty_scope():  # as the worker runs each task
        assert plans_seen(job.pk) == {"proefdorp"}
        make_report_job.call(job.pk)
    job.refresh_from_db()
    assert job.state == ReportJob.State.DONE, job.error
    with empty_scope(), pytest.raises(ScopeError):
        plans_seen.__wrapped__(job.pk)  # the same work without its job's scope


def test_a_service_or_command_without_a_scope_raises_and_a_command_scopes_itself(demo, capsys):
    plan = demo.dutch_plan
    with empty_scope():
        with pytest.raises(ScopeError):
            export_plan(plan)  # a service called outside any scope
        call_command("export_plan", plan=plan.pk)  # the command enters its plan's scope
    assert plan.title in capsys.readouterr().out


# Batch commands over the whole installation: the service each one runs per organisation.
BATCHES = [
    ("send_reminders", "koers.followup.management.commands.send_reminders.send_reminders", 0),
    (
        "send_notifications",
        "koers.notifications.management.commands.send_notifications.send_batches",
        0,
    ),
    (
        "erase_complaint_personal_data",
        "koers.complaints.management.commands.erase_complaint_personal_data.erase_personal_data",
        [],
    ),
    (
        "delete_abandoned_imports",
        "koers.operations.management.commands.delete_abandoned_imports.delete_abandoned",
        0,
    ),
]


@pytest.mark.parametrize(("command", "service", "nothing"), BATCHES)
def test_a_batch_command_does_each_organisations_work_in_its_scope(
    demo, monkeypatch, command, service, nothing
):
    seen = []

    def per_organisation(*args, **kwargs):
        # what a bug in the per-organisation code could reach: only this organisation's rows
        seen.append((current_organisation(), set(Plan.objects.values_list("organisation_id"))))
        return nothing

    monkeypatch.setattr(service, per_organisation)
    call_command(command, stdout=StringIO())
    organisations = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
    assert [organisation for organisation, _plans in seen] == organisations
    for organisation, plans in seen:
        assert plans <= {(organisation,)}
    # and the organisations with plans did see theirs
    assert {demo.voorbeeld.pk, demo.proefdorp.pk} <= {o for o, plans in seen if plans}


@pytest.mark.parametrize(
    ("command", "service", "nothing", "skipped"),
    [(*batch, batch[0] in ("send_reminders", "send_notifications")) for batch in BATCHES],
)
def test_reminders_and_news_wait_while_an_organisation_is_suspended(
    demo, monkeypatch, command, service, nothing, skipped
):
    seen = []

    def per_organisation(*args, **kwargs):
        seen.append(current_organisation())
        return nothing

    Organisation.objects.filter(pk=demo.proefdorp.pk).update(suspended=True)
    monkeypatch.setattr(service, per_organisation)
    call_command(command, stdout=StringIO())
    assert demo.voorbeeld.pk in seen
    # retention and clean-up still run for a suspended organisation
    assert (demo.proefdorp.pk not in seen) is skipped


def test_a_failure_in_one_organisation_does_not_stop_the_others(demo):
    done = []

    def work():
        if current_organisation() == demo.voorbeeld.pk:
            raise OSError("mail server unavailable")
        done.append(current_organisation())
        return PlanItem.objects.count()

    with empty_scope(), pytest.raises(OSError):
        in_each_organisation(work)
    assert demo.proefdorp.pk in done and demo.voorbeeld.pk not in done


def test_a_person_in_two_organisations_gets_each_organisations_news_apart(demo):
    from django.core import mail

    from koers.accounts.actor import Actor
    from koers.accounts.models import Membership
    from koers.notifications.models import Follow, Notification
    from koers.notifications.services import follow
    from koers.plans.services.items import update_item

    Follow.objects.all().delete()
    Notification.objects.all().delete()
    reader = demo.membership("reader@voorbeeld.be").user
    there = Membership.objects.create(user=reader, organisation=demo.proefdorp)
    items = {
        demo.voorbeeld: PlanItem.objects.filter(plan=demo.plan, depth=3).first(),
        demo.proefdorp: PlanItem.objects.filter(plan=demo.dutch_plan, depth=3).first(),
    }
    for organisation, item in items.items():
        member = there if organisation == demo.proefdorp else demo.membership(reader.email)
        follow(item, actor=Actor.member(member))
        admin = Membership.objects.filter(organisation=organisation, role="admin").first()
        update_item(item, {"progress": 45}, actor=Actor.member(admin))
    mail.outbox.clear()
    with empty_scope():
        call_command("send_notifications", stdout=StringIO())
    # one message per organisation (it was one for both), each with only its own items
    assert [message.to for message in mail.outbox] == [[reader.email]] * 2
    bodies = {message.body for message in mail.outbox}
    for organisation, item in items.items():
        (body,) = [body for body in bodies if f"/app/{organisation.slug}/" in body]
        assert item.title in body
        assert all(other.title not in body for other in items.values() if other != item)
