"""HTTP caching of the public portal's pages for anonymous visitors.

A portal page (URL namespace ``portal``) asked for by a visitor who is not signed in, that
sets no cookie and says nothing of its own about caching, gets

- ``Cache-Control: public, max-age=KOERS_PORTAL_MAX_AGE`` (60 s by default), so that a
  browser or a proxy in front of Koers may keep it that long;
- a strong ``ETag``: a hash of the page as sent. Whatever changes what a page shows (a
  publication, a plan, an indicator value, the organisation's branding, the language)
  changes its bytes and so its tag; a tag can never outlive the content it names;
- ``Vary: Accept-Language, Cookie``: the language chosen changes the page;
- and a ``304 Not Modified`` without a body when the request's ``If-None-Match`` names
  that tag (Django's ``get_conditional_response``).

The page is still built on the server (from the portal's cache of the plan,
:mod:`koers.portal.cache`); what a 304 saves is sending it. Pages that must not be kept
(the complaint form with its CSRF token: ``never_cache``) and everything for members who
are signed in are left as they are.
"""

import hashlib

from django.conf import settings
from django.utils.cache import get_conditional_response, patch_vary_headers

NAMESPACE = "portal"


class PortalHttpCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not _cacheable(request, response):
            return response
        etag = '"' + hashlib.blake2b(response.content, digest_size=16).hexdigest() + '"'
        response["ETag"] = etag
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = f"public, max-age={settings.KOERS_PORTAL_MAX_AGE}"
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return get_conditional_response(request, etag=etag, response=response)


def _cacheable(request, response) -> bool:
    match = getattr(request, "resolver_match", None)
    if match is None or match.namespace != NAMESPACE:
        return False
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return False
    if response.streaming or response.cookies:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    kept = response.get("Cache-Control", "")
    return not any(word in kept for word in ("no-cache", "no-store", "private", "max-age=0"))
