"""Writes that change the shape of a plan tree, made safe against each other.

The tree is stored as materialised paths (treebeard): a new node takes the path after
its last sibling, so two writers adding under the same parent at the same moment would
pick the same path. Every write that adds, moves or removes nodes first locks its plan's
row (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's write transactions already run one
at a time), so writers of one plan take turns and writers of different plans never wait.

Plan roots do not take "the path after the last root" (a root is shared by every
organisation of the installation): a plan's root path is made from the plan's own id, so
creating plans in several organisations at once never collides.
"""

from koers.plans.models import Plan, PlanItem


def lock_plan_tree(plan_id: int) -> None:
    """Wait for other structure writes of this plan; call inside the write's transaction."""
    list(Plan.objects.select_for_update().filter(pk=plan_id).values_list("pk", flat=True))


def add_plan_root(plan: Plan) -> PlanItem:
    """The hidden root node of a new plan, at the path made from the plan's id."""
    root = PlanItem(
        plan=plan, title=plan.title, depth=1, numchild=0, path=PlanItem._get_path(None, 1, plan.pk)
    )
    root.save()
    return root
