"""Migrate the provider's database and add its users and Koers as a client.

python -m tests.oidc_provider.setup_provider '<json>' with
{"users": [{"username", "email", "password", "first_name", "last_name"}],
 "client_id", "client_secret", "redirect_uris": [...], "post_logout_redirect_uris": [...]}"""

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider.settings")
django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from oauth2_provider.models import Application  # noqa: E402

config = json.loads(sys.argv[1])
call_command("migrate", verbosity=0)
for user in config["users"]:
    User.objects.create_user(**user)
Application.objects.create(
    name="Koers",
    client_id=config["client_id"],
    client_secret=config["client_secret"],
    client_type=Application.CLIENT_CONFIDENTIAL,
    authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
    redirect_uris=" ".join(config["redirect_uris"]),
    post_logout_redirect_uris=" ".join(config.get("post_logout_redirect_uris", [])),
    algorithm=Application.RS256_ALGORITHM,
    skip_authorization=True,
)
