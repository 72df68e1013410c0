from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


def _on_connection(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        from koers.search.database import register_sqlite_function

        register_sqlite_function(connection.connection)


def _after_migrate(sender, using="default", **kwargs):
    from django.db import connections

    from koers.search.database import install

    install(connections[using])


class SearchConfig(AppConfig):
    name = "koers.search"
    label = "search"
    verbose_name = "Search"

    def ready(self):
        connection_created.connect(_on_connection, dispatch_uid="koers-search-function")
        post_migrate.connect(_after_migrate, sender=self, dispatch_uid="koers-search-install")
