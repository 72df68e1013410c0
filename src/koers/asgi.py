import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "koers.settings")
application = get_asgi_application()

from koers.operations.checks import refuse_demo_key  # noqa: E402  (needs the settings)

refuse_demo_key()
