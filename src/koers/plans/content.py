"""What a plan's pages show, cached until the plan changes.

Every write that changes what the tree, the item pages or the public portal show of a plan
calls :func:`plan_changed` (from the services, or from the model signals in
``koers.plans.receivers``) in the same transaction as the write. It gives the plan a new
random ``content_version``. Cache keys include that value, so a page never reads figures
of an older version: a reader that saw the old version may store old figures under the
old key, but nobody asks for that key again once the write is committed.

:func:`cached` keeps a computed value in Django's cache (``CACHES['default']``; see
docs/configuration.md) and, unpickled, in a small per-process memory, so that a warm page
does not unpickle the figures of a whole plan on every request.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from koers.plans.models.plan import Plan, new_content_version

# The unpickled values of the last few (plan, version, name) keys in this process.
# Values in it are shared between requests and threads: callers must not change them.
_memo: OrderedDict[str, Any] = OrderedDict()
_memo_lock = threading.Lock()


class PlanVersion(NamedTuple):
    """A plan's id and content version: all a cache key needs, read without the plan's row
    (``Plan.objects.filter(...).values_list("pk", "content_version")``)."""

    pk: int
    content_version: str


def plan_changed(plan_id: int | None) -> None:
    """Give the plan a new content version (once per transaction and plan)."""
    if plan_id is None or _bumped_in_this_transaction(plan_id):
        return
    # all_organisations: the caller names the plan; a cache version is no tenant data.
    Plan.objects.all_organisations().filter(pk=plan_id).update(
        content_version=new_content_version()
    )


def plans_changed(plan_ids: Iterable[int]) -> None:
    ids = {pk for pk in plan_ids if pk is not None and not _bumped_in_this_transaction(pk)}
    if ids:
        Plan.objects.all_organisations().filter(pk__in=ids).update(  # as in plan_changed
            content_version=new_content_version()
        )


def _bumped_in_this_transaction(plan_id: int) -> bool:
    """Whether the plan got a new version in this transaction block, or one around it
    that is still open, with no cached read since (deleting a subtree sends a signal per
    row). Outside a transaction every write is committed on its own, so every change
    bumps. A block rolled back to a savepoint is no longer on the stack, so the next change
    bumps again.

    The blocks alone do not name a transaction: a function decorated with
    ``@transaction.atomic`` enters the same ``Atomic`` object on every call, so two calls in
    a row would look like one. Django gives every outermost transaction a new list of
    commit hooks (``run_on_commit``, replaced when a transaction commits or rolls back);
    that list is recorded too, so the next transaction bumps again."""
    if not connection.in_atomic_block:
        return False
    stack = list(connection.atomic_blocks)
    hooks = connection.run_on_commit
    seen = getattr(connection, "_koers_plan_versions", None)
    if seen is None:
        seen = connection._koers_plan_versions = {}
    recorded = seen.get(plan_id)
    if recorded is not None:
        blocks, recorded_hooks = recorded
        if (
            recorded_hooks is hooks
            and len(blocks) <= len(stack)
            and all(mine is theirs for mine, theirs in zip(blocks, stack, strict=False))
        ):
            return True
    seen[plan_id] = (stack, hooks)
    if len(seen) > 1000:  # a long-lived connection: forget blocks that have ended
        for pk in [pk for pk, blocks in seen.items() if pk != plan_id]:
            del seen[pk]
    return False


def cache_key(plan: Plan | PlanVersion, name: str) -> str:
    return f"koers:plan:{plan.pk}:{plan.content_version}:{name}"


def cached(
    plan: Plan | PlanVersion, name: str, compute: Callable[[], Any], memo: bool = True
) -> Any:
    """``compute()`` for this version of the plan, from memory or the cache when there.

    ``plan.content_version`` must be as fresh as the request (the plan read in it).
    ``memo``: keep the value in this process's memory too (values read on many pages)."""
    # A write after this read, in the same transaction, must bump the version again.
    getattr(connection, "_koers_plan_versions", {}).clear()
    key = cache_key(plan, name)
    with _memo_lock:
        if key in _memo:
            _memo.move_to_end(key)
            return _memo[key]
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, settings.KOERS_CACHE_SECONDS)
    if not memo:
        return value
    with _memo_lock:
        _memo[key] = value
        while len(_memo) > settings.KOERS_CACHE_MEMO_ENTRIES:
            _memo.popitem(last=False)
    return value


def forget_memory() -> None:
    """Empty this process's memory of cached values (tests)."""
    with _memo_lock:
        _memo.clear()
