"""The real getter of connectors: one HTTPS GET with a time limit and a size limit.

Only ``https`` addresses on the hosts a connector names are asked for; redirects are
refused (a redirect could lead anywhere, also inside the organisation's network). The
answer is read in pieces and given up as soon as it is larger than the limit or takes
longer than the timeout in all. A proxy set in ``HTTPS_PROXY`` is used.
"""

import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from koers.indicators.connectors.base import FetchError, Limits, too_large

CHUNK = 64 * 1024
USER_AGENT = "Koers (indicator values)"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise FetchError(
            _("The source sent us elsewhere (%(url)s); Koers does not follow redirects.")
            % {"url": newurl[:200]}
        )


def getter(limits: Limits, hosts: tuple[str, ...]):
    """``get(url) -> bytes`` for addresses on ``hosts`` only."""
    opener = urllib.request.build_opener(_NoRedirects)

    def get(url: str) -> bytes:
        parts = urlsplit(url)
        if parts.scheme != "https" or parts.hostname not in hosts:
            raise FetchError(
                _("Koers asks only %(hosts)s over HTTPS, not %(url)s.")
                % {"hosts": ", ".join(hosts), "url": url[:200]}
            )
        request = urllib.request.Request(
            url, headers={"Accept": "application/json", "User-Agent": USER_AGENT}
        )
        deadline = time.monotonic() + limits.timeout
        try:
            with opener.open(request, timeout=limits.timeout) as response:
                length = response.headers.get("Content-Length")
                if length and length.isdigit() and int(length) > limits.max_bytes:
                    raise FetchError(too_large(limits))
                parts = []
                size = 0
                while chunk := response.read(CHUNK):
                    size += len(chunk)
                    if size > limits.max_bytes:
                        raise FetchError(too_large(limits))
                    if time.monotonic() > deadline:
                        raise TimeoutError
                    parts.append(chunk)
                return b"".join(parts)
        except urllib.error.HTTPError as error:
            raise FetchError(
                _("The source answered with HTTP status %(status)s for %(url)s.")
                % {"status": error.code, "url": url[:200]}
            ) from None
        except TimeoutError:
            raise FetchError(
                _("The source did not answer within %(seconds)s seconds.")
                % {"seconds": limits.timeout}
            ) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise FetchError(
                _("The source could not be reached: %(reason)s") % {"reason": reason}
            ) from None

    return get
