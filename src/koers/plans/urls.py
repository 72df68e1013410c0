from django.urls import path

from koers.plans.views import imports, items, money_and_milestones, plans

app_name = "plans"
urlpatterns = [
    # Opening the organisation: action owners land on their updates, the others on the plans.
    path("", plans.organisation_home, name="organisation_home"),
    path("plans/", plans.plan_list, name="plan_list"),
    path("plans/new/", plans.plan_create, name="plan_create"),
    path("plans/import/", imports.plan_import, name="plan_import"),
    path("imports/<int:pk>/", imports.import_preview, name="import_preview"),
    path("imports/<int:pk>/discard/", imports.import_discard, name="import_discard"),
    path("plans/<int:pk>/", plans.plan_tree, name="plan_tree"),
    path("plans/<int:pk>/search/", plans.plan_search, name="plan_search"),
    path("plans/<int:pk>/settings/", plans.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/statuses/", plans.plan_statuses, name="plan_statuses"),
    path("plans/<int:pk>/export.json", plans.plan_export, name="plan_export"),
    path("plans/<int:pk>/export.<str:fmt>", imports.plan_sheet, name="plan_sheet"),
    path("plans/<int:pk>/deleted/", plans.plan_trash, name="plan_trash"),
    path("plans/<int:pk>/items/new/", items.item_create, name="item_create"),
    path("deleted/<int:pk>/restore/", plans.restore_deleted, name="restore_deleted"),
    path("items/<int:pk>/", items.item_detail, name="item_detail"),
    path("items/<int:pk>/edit/", items.item_edit, name="item_edit"),
    path("items/<int:pk>/move/", items.item_move, name="item_move"),
    path("items/<int:pk>/reorder/", items.item_reorder, name="item_reorder"),
    path("items/<int:pk>/delete/", items.item_delete, name="item_delete"),
    path("items/<int:pk>/history/", items.item_history_page, name="item_history"),
    path("items/<int:pk>/branch/", items.item_branch, name="item_branch"),
    path(
        "items/<int:pk>/milestones/new/",
        money_and_milestones.milestone_create,
        name="milestone_create",
    ),
    path("milestones/<int:pk>/edit/", money_and_milestones.milestone_edit, name="milestone_edit"),
    path(
        "milestones/<int:pk>/done/", money_and_milestones.milestone_toggle, name="milestone_toggle"
    ),
    path(
        "milestones/<int:pk>/delete/",
        money_and_milestones.milestone_delete,
        name="milestone_delete",
    ),
    path("items/<int:pk>/budget/new/", money_and_milestones.budget_create, name="budget_create"),
    path("budget-lines/<int:pk>/edit/", money_and_milestones.budget_edit, name="budget_edit"),
    path("budget-lines/<int:pk>/delete/", money_and_milestones.budget_delete, name="budget_delete"),
]
