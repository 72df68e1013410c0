"""Request rates of the API: per client address for anonymous callers, per user otherwise.

Beyond the rate DRF answers 429 with a ``Retry-After`` header. The rates are read from
settings on every request (``KOERS_API_ANON_RATE``, ``KOERS_API_USER_RATE``). The client's
address is the one the login throttle uses (:func:`koers.accounts.signin.client_address`):
DRF's own choice would trust an ``X-Forwarded-For`` header any client can send.
"""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from koers.accounts.signin import client_address


class _Rate:
    setting = ""

    def get_rate(self):
        return getattr(settings, self.setting)

    def get_ident(self, request):
        return client_address(request)


class AnonymousRate(_Rate, AnonRateThrottle):
    setting = "KOERS_API_ANON_RATE"


class UserRate(_Rate, UserRateThrottle):
    setting = "KOERS_API_USER_RATE"
