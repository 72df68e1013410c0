"""Background jobs: Django's tasks API (django-tasks) with the queue in the database
(django-tasks-db), run by ``koers worker`` processes. See ``services`` and
docs/architecture.md#background-jobs."""
