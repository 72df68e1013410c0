"""``Authorization: Token kf_…`` (or ``Bearer kf_…``): a feed token of one member of one
organisation (:mod:`koers.api.feed_tokens`). Used by the BI feed only; the rest of the API
takes the personal API key."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from koers.api.feed_tokens import record_use, token_for_key

KEYWORDS = (b"token", b"bearer")


class FeedTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        words = get_authorization_header(request).split()
        if not words or words[0].lower() not in KEYWORDS:
            return None
        if len(words) != 2:
            raise AuthenticationFailed(_("Send the feed key as: Authorization: Token <key>."))
        try:
            key = words[1].decode("ascii")
        except UnicodeError:
            raise AuthenticationFailed(_("This feed key is unknown or revoked.")) from None
        token = token_for_key(key)
        if token is None:
            raise AuthenticationFailed(_("This feed key is unknown or revoked."))
        record_use(token)
        return token.membership.user, token

    def authenticate_header(self, request):
        return "Token"


class FeedTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI description names the feed key."""

    target_class = FeedTokenAuthentication
    name = "feedKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Token kf_… (a feed key, see docs/bi-feed.md)",
        }
