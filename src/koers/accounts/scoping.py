"""Fail-closed tenant scoping: a query of an organisation's data needs an organisation scope.

Every model that belongs to an organisation (directly or through its plan, item, round…)
gets ``objects = OrganisationScopedManager("<path to the organisation>")``. Its querysets
read the scope when they run, not when they are built:

- in ``scope(organisation=org)`` they are limited to that organisation (a filter on the
  model's own ``organisation_id`` column where it has one, so no join and no query more);
- in ``scopes_disabled()`` they are not limited (explicit, greppable escapes with a reason);
- otherwise (no scope, or the empty scope of a request without an organisation) reading,
  counting, updating or deleting raises ``ScopeError``.

The scope itself is django-scopes' (``scope``, ``scopes_disabled``, ``ScopeError``). The
manager is our own: django-scopes' manager decides when the queryset is *built*, so a
queryset made at import time (a form field's ``queryset``, a DRF view's ``queryset``)
would keep the scope of that moment, and its disabled queryset still runs ``exists()``,
``in_bulk()`` and subqueries. Ours decides when the SQL is compiled.

``Model.objects.all_organisations()`` is the escape for one queryset; the model's base
manager (used by Django for ``item.plan``, saving and cascading deletes) is not scoped.

django-simple-history's copies of a scoped model (``HistoricalPlanItem``…) are scoped the
same way, ``Model.history`` and ``item.history`` included (``scope_history_models``).
"""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import TypeVar

from django.db import models
from django.db.models import Q
from django.db.models.sql import Query
from django_scopes import ScopeError, get_scope, scope, scopes_disabled
from django_scopes.state import state

__all__ = [
    "OrganisationScopedManager",
    "ScopeError",
    "current_organisation",
    "empty_scope",
    "enter_organisation",
    "enter_organisation_slug",
    "in_each_organisation",
    "in_scope_of",
    "scope",
    "scope_of",
    "scope_of_slug",
    "scoped_models",
    "scopes_disabled",
    "scopes_disabled_for",
]

DIMENSION = "organisation"

logger = logging.getLogger(__name__)
T = TypeVar("T")


def _scope_filter(model, path: str) -> Q | None:
    """The filter of the current scope, None when scoping is disabled; raises without one."""
    current = get_scope()
    if not current.get("_enabled", True):
        return None
    if DIMENSION not in current or current[DIMENSION] is None:
        raise ScopeError(
            f"{model._meta.label} belongs to an organisation: query it inside "
            f"scope(organisation=…) or, where crossing organisations is intended, "
            f"scopes_disabled() / {model.__name__}.objects.all_organisations()."
        )
    return Q(**{path: current[DIMENSION]})


class ScopedQuery(Query):
    """A query that adds the organisation scope (or raises) when it is compiled."""

    scope_path = DIMENSION

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        if self.is_empty():
            return super().get_compiler(using, connection, elide_empty)
        condition = _scope_filter(self.model, self.scope_path)
        query = self
        if condition is not None:
            query = self.clone()
            query.__class__ = Query
            query.add_q(condition)
        return Query.get_compiler(query, using, connection, elide_empty)


class ScopedQuerySetMixin:
    """Updates and deletes do not compile through ScopedQuery: scope them first."""

    def _in_scope(self):
        condition = _scope_filter(self.model, self.query.scope_path)
        if condition is None:
            return self
        clone = self._chain()
        clone.query.add_q(condition)
        return clone

    def update(self, **kwargs):
        return super(ScopedQuerySetMixin, self._in_scope()).update(**kwargs)

    update.alters_data = True

    def _update(self, values):
        return super(ScopedQuerySetMixin, self._in_scope())._update(values)

    def delete(self):
        return super(ScopedQuerySetMixin, self._in_scope()).delete()

    delete.alters_data = True
    delete.queryset_only = True

    def _raw_delete(self, using):
        return super(ScopedQuerySetMixin, self._in_scope())._raw_delete(using)


_queryset_classes: dict[type, type] = {}


def _scoped_queryset_class(base: type) -> type:
    if base not in _queryset_classes:
        _queryset_classes[base] = type(f"Scoped{base.__name__}", (ScopedQuerySetMixin, base), {})
    return _queryset_classes[base]


def _scoped(queryset, path: str):
    """``queryset`` made to need the organisation scope at ``path`` when it runs."""
    queryset.__class__ = _scoped_queryset_class(queryset.__class__)
    queryset.query.__class__ = ScopedQuery
    queryset.query.scope_path = path
    return queryset


def OrganisationScopedManager(path: str = "organisation", manager_class=models.Manager):
    """A default manager whose queries need an organisation scope.

    ``path`` leads from the model to its organisation ("organisation",
    "plan__organisation", "item__plan__organisation"…); ``manager_class`` keeps a
    manager the model already has (treebeard's MP_NodeManager).
    """

    class Manager(manager_class):
        scope_path = path
        use_in_migrations = False

        def get_queryset(self):
            return _scoped(super().get_queryset(), path)

        def all_organisations(self):
            """Every organisation's rows: for the few places that cross organisations."""
            return super().get_queryset()

    Manager.__name__ = f"OrganisationScoped{manager_class.__name__}"
    Manager.__qualname__ = Manager.__name__
    return Manager()


def _scoped_history_manager_class(manager_class: type) -> type:
    """simple-history's manager (``Model.history``, ``record.<m2m field>``) scoped like
    its history model's ``objects``."""

    class Manager(manager_class):
        def get_super_queryset(self):
            queryset = super().get_super_queryset()
            return _scoped(queryset, self.model._default_manager.scope_path)

    Manager.__name__ = Manager.__qualname__ = f"OrganisationScoped{manager_class.__name__}"
    return Manager


def _scope_history_model(descriptor, path: str) -> None:
    """Give the history model of ``descriptor`` (a simple-history ``HistoryDescriptor``) a
    scoped ``objects`` with ``path`` and make the descriptor's manager scoped."""
    history_model = descriptor.model
    opts = history_model._meta
    name = opts.default_manager.name  # "objects", made by Django
    opts.local_managers = [manager for manager in opts.local_managers if manager.name != name]
    history_model.add_to_class(name, OrganisationScopedManager(path))
    if not hasattr(descriptor.manager_class, "get_super_queryset"):
        raise TypeError(f"{descriptor.manager_class} is not simple-history's HistoryManager")
    descriptor.manager_class = _scoped_history_manager_class(descriptor.manager_class)


def scope_history_models() -> None:
    """django-simple-history's copies of a scoped model are scoped too, with its path (a
    history row copies the model's columns: ``organisation_id``, ``plan_id``…); their
    copies of many-to-many links through their history row. Called once, in
    ``AccountsConfig.ready``, when simple-history has made every history model."""
    from django.apps import apps
    from simple_history.models import HistoryDescriptor

    for model in apps.get_models():
        name = getattr(model._meta, "simple_history_manager_attribute", None)
        path = getattr(model._default_manager, "scope_path", None)
        if name is None or path is None or not hasattr(model._default_manager, "all_organisations"):
            continue
        descriptor = model.__dict__[name]
        if hasattr(descriptor.model._default_manager, "all_organisations"):
            continue  # already done
        _scope_history_model(descriptor, path)
        for links in list(vars(descriptor.model).values()):
            if isinstance(links, HistoryDescriptor):
                _scope_history_model(links, f"history__{path}")


def scoped_models() -> list[type[models.Model]]:
    """Every installed model whose default manager requires an organisation scope."""
    from django.apps import apps

    return [
        model
        for model in apps.get_models()
        if hasattr(model._default_manager, "all_organisations")
        and getattr(model._default_manager, "scope_path", None)
    ]


def current_organisation():
    """The organisation (or its id) of the current scope, or None."""
    return get_scope().get(DIMENSION)


def enter_organisation(organisation) -> None:
    """Scope the rest of this request to ``organisation``.

    Called where a request is bound to its organisation: after the membership check
    (``membership_or_404``) or, on the public portal, once the slug is resolved. The
    middleware ``TenantScopeMiddleware`` restores the previous scope after the response.
    """
    state.set({**get_scope(), "_enabled": True, DIMENSION: organisation})


def enter_organisation_slug(slug: str) -> None:
    """Scope the rest of this request to the organisation with this slug, without a query:
    the scope compares with a subquery on the slug (a public portal page)."""
    from django.db.models import Subquery

    from koers.accounts.models import Organisation

    enter_organisation(Subquery(Organisation.objects.filter(slug=slug).values("pk")[:1]))


# No organisation has this id: the scope of a row that does not exist finds nothing.
NO_ORGANISATION = 0


@contextmanager
def scope_of(model, pk) -> Iterator[None]:
    """The scope of the organisation that row ``pk`` of ``model`` belongs to: for jobs and
    commands that are given a row's id. The one unscoped read is of that row's organisation."""
    organisation_id = (
        model._default_manager.all_organisations()
        .filter(pk=pk)
        .values_list(model._default_manager.scope_path, flat=True)
        .first()
    )
    with scope(organisation=organisation_id or NO_ORGANISATION):
        yield


@contextmanager
def scope_of_slug(slug: str) -> Iterator[None]:
    """The scope of the organisation with this slug (a command's ``--organisation``)."""
    from django.db.models import Subquery

    from koers.accounts.models import Organisation

    with scope(organisation=Subquery(Organisation.objects.filter(slug=slug).values("pk")[:1])):
        yield


def scopes_disabled_for(reason: str):
    """Run the decorated function with scoping disabled; ``reason`` says why it crosses
    organisations (a provider-level command, the demo, a backup)."""

    def decorate(function):
        @wraps(function)
        def wrapper(*args, **kwargs):
            with scopes_disabled():
                return function(*args, **kwargs)

        wrapper.scopes_disabled_reason = reason
        return wrapper

    return decorate


def in_each_organisation(work: Callable[[], T], *, suspended: bool = True) -> list[T]:
    """Run ``work`` once for every organisation, each time in that organisation's scope: a
    batch command over the whole installation (reminders, notifications, retention) whose
    per-organisation code cannot reach another organisation's rows. A failure in one
    organisation does not stop the others; the first is raised at the end.

    ``suspended=False`` leaves suspended organisations out: their members cannot act on a
    reminder or read the news (every page answers "not available"); what waits is sent
    after the organisation is resumed. Retention and clean-up run for them too."""
    from koers.accounts.models import Organisation

    organisations = Organisation.objects.order_by("pk")
    if not suspended:
        organisations = organisations.filter(suspended=False)
    results, first_error = [], None
    for organisation_id in organisations.values_list("pk", flat=True):
        try:
            with scope(organisation=organisation_id):
                results.append(work())
        except Exception as error:  # logged now, raised after the loop
            logger.exception("Batch work for organisation %s failed", organisation_id)
            first_error = first_error or error
    if first_error is not None:
        raise first_error
    return results


def in_scope_of(model):
    """Run a task (or handler) whose first argument is a row id of ``model`` in the scope of
    that row's organisation."""

    def decorate(function):
        @wraps(function)
        def wrapper(pk, *args, **kwargs):
            with scope_of(model, pk):
                return function(pk, *args, **kwargs)

        return wrapper

    return decorate


@contextmanager
def empty_scope() -> Iterator[None]:
    """The enabled scope without an organisation: every tenant query raises until an
    organisation is entered (a job before it finds its organisation)."""
    token = state.set({"_enabled": True})
    try:
        yield
    finally:
        state.reset(token)


class TenantScopeMiddleware:
    """Every request runs in its own scope: empty (tenant queries raise) until the view
    binds it to the organisation of the URL with ``enter_organisation``. A streamed
    response is read in the scope its view ended with."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = state.set({"_enabled": True})
        try:
            response = self.get_response(request)
            if getattr(response, "streaming", False) and not getattr(response, "is_async", False):
                response.streaming_content = _streamed_in(
                    dict(get_scope()), response.streaming_content
                )
            return response
        finally:
            state.reset(token)


def _streamed_in(scope_state: dict, chunks):
    iterator = iter(chunks)
    while True:
        token = state.set(scope_state)
        try:
            chunk = next(iterator)
        except StopIteration:
            return
        finally:
            state.reset(token)
        yield chunk
