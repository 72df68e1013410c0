"""Read-only JSON API, scoped to one organisation: ``/api/v1/<org>/…``."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from koers.accounts.permissions import membership_or_404
from koers.api.serializers import ItemSerializer, PlanSerializer
from koers.plans.models import Plan, PlanItem
from koers.plans.services.tree import plan_rows


class OrganisationScoped:
    """Resolve ``org`` to the caller's membership; non-members get 404."""

    def check_permissions(self, request):
        # DRF refuses an anonymous caller (403) before it counts the request, so the rate
        # for anonymous callers is checked here first.
        if not request.user.is_authenticated:
            self.check_throttles(request)
        super().check_permissions(request)

    def organisation(self):
        if not hasattr(self, "_membership"):
            from django.http import Http404

            try:
                self._membership = membership_or_404(self.request.user, self.kwargs["org"])
            except Http404:
                raise NotFound from None
        return self._membership.organisation

    def plan(self) -> Plan:
        return get_object_or_404(Plan, organisation=self.organisation(), pk=self.kwargs["pk"])


def _items(plan):
    return (
        PlanItem.objects.filter(plan=plan, depth__gt=1)
        .select_related("owner", "status")
        .prefetch_related("departments", "sdg_goals", "sdg_targets")
        .order_by("path")
    )


def _parent_ids(plan) -> dict[str, int]:
    return dict(PlanItem.objects.filter(plan=plan, depth__gt=1).values_list("path", "id"))


class PlanList(OrganisationScoped, generics.ListAPIView):
    serializer_class = PlanSerializer

    def get_queryset(self):
        return Plan.objects.filter(organisation=self.organisation()).order_by("id")


class PlanDetail(OrganisationScoped, generics.RetrieveAPIView):
    serializer_class = PlanSerializer

    def get_object(self):
        return self.plan()


class PlanItemList(OrganisationScoped, generics.ListAPIView):
    serializer_class = ItemSerializer

    def get_queryset(self):
        return _items(self.plan())

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if "pk" in self.kwargs and getattr(self, "request", None):
            context["parent_ids"] = _parent_ids(self.plan())
        return context


class ItemDetail(OrganisationScoped, generics.RetrieveAPIView):
    serializer_class = ItemSerializer

    def get_object(self):
        return get_object_or_404(
            PlanItem.objects.select_related("owner", "status", "plan"),
            plan__organisation=self.organisation(),
            depth__gt=1,
            pk=self.kwargs["pk"],
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        item = self.get_object()
        parent = PlanItem.objects.filter(
            plan=item.plan, path=item.path[: -PlanItem.steplen], depth__gt=1
        ).first()
        context["parent_ids"] = {parent.path: parent.id} if parent else {}
        return context


class PlanTree(OrganisationScoped, APIView):
    """The whole plan as nested nodes with rolled-up progress, milestones and money."""

    @extend_schema(responses={200: dict})
    def get(self, request, org, pk):
        plan = self.plan()
        nodes: dict[str, dict] = {}
        roots = []
        for row in plan_rows(plan):
            item = row.item
            expense = row.money.expense_for(None)
            node = {
                "id": item.id,
                "code": item.code,
                "title": item.title,
                "level": row.level,
                "level_label": plan.terminology.level(row.level),
                "status": item.status.key if item.status else None,
                "progress": row.progress_percent,
                "milestones": {"done": row.milestones_done, "total": row.milestones_total},
                "budget": {
                    "initial": str(expense.initial),
                    "current": str(expense.current),
                    "actual": str(expense.actual),
                    "remaining": str(expense.remaining),
                },
                "children": [],
            }
            nodes[item.path] = node
            parent = nodes.get(item.path[: -PlanItem.steplen])
            (parent["children"] if parent else roots).append(node)
        return Response({"plan": PlanSerializer(plan).data, "items": roots})
