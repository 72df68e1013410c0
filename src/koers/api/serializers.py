from rest_framework import serializers

from koers.plans.models import Plan, PlanItem


class PlanSerializer(serializers.ModelSerializer):
    levels = serializers.SerializerMethodField()

    class Meta:
        model = Plan
        fields = [
            "id",
            "title",
            "description",
            "first_year",
            "last_year",
            "terminology_preset",
            "levels",
            "progress_rollup",
            "is_published",
        ]

    def get_levels(self, plan) -> list[str]:
        return list(plan.terminology.levels)


class ItemSerializer(serializers.ModelSerializer):
    level = serializers.IntegerField()
    parent = serializers.SerializerMethodField()
    owner = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    departments = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    sdg_goals = serializers.SlugRelatedField(many=True, read_only=True, slug_field="number")
    sdg_targets = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")

    class Meta:
        model = PlanItem
        fields = [
            "id",
            "plan",
            "parent",
            "level",
            "code",
            "title",
            "description",
            "intended_result",
            "progress_note",
            "cost_note",
            "planned_start",
            "planned_end",
            "timing",
            "policy",
            "owner",
            "departments",
            "start_year",
            "end_year",
            "status",
            "progress",
            "weight",
            "is_public",
            "sdg_goals",
            "sdg_targets",
        ]

    def get_parent(self, item) -> int | None:
        return self.context.get("parent_ids", {}).get(item.path[: -PlanItem.steplen])

    def get_owner(self, item) -> str | None:
        return item.owner.email if item.owner else None

    def get_status(self, item) -> str | None:
        return item.status.key if item.status else None
