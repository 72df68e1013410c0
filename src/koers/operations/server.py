"""The development server that ``koers serve`` and ``koers demo`` run names no software version.

Django's runserver (Python's wsgiref) sends ``Server: WSGIServer/0.2 CPython/3.11.x``; a
visitor needs neither the server's name nor the Python version. gunicorn, for production,
sends ``Server: gunicorn`` without a version.
"""

from django.core.servers import basehttp

SERVER_NAME = "Koers"


def hide_server_version() -> None:
    """Let runserver send ``Server: Koers`` instead of its software and Python version."""
    basehttp.ServerHandler.server_software = SERVER_NAME  # normal responses
    basehttp.WSGIRequestHandler.server_version = SERVER_NAME  # errors before Django (400 …)
    basehttp.WSGIRequestHandler.sys_version = ""
    basehttp.WSGIRequestHandler.version_string = lambda handler: SERVER_NAME
