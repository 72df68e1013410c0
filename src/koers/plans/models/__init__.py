from koers.plans.models.budget import BudgetLine
from koers.plans.models.document_import import DocumentImport
from koers.plans.models.import_profile import ImportProfile
from koers.plans.models.item import PlanItem
from koers.plans.models.milestone import Milestone
from koers.plans.models.plan import Plan, PlanStatus
from koers.plans.models.trash import DeletedSubtree

__all__ = [
    "BudgetLine",
    "DeletedSubtree",
    "DocumentImport",
    "ImportProfile",
    "Milestone",
    "Plan",
    "PlanItem",
    "PlanStatus",
]
