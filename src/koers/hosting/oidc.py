"""Signing in through an organisation's own OpenID Connect provider (authorisation code
flow with PKCE, state and nonce; the ID token's signature, issuer, audience, expiry and
nonce are checked against the provider's published keys).

One redirect address serves every organisation (``/accounts/sso/callback/``): the state
in the session says which organisation's provider the person was sent to. A person signs
in as a member of that organisation only: found by e-mail address among its members, or
added with the organisation's default role when it allows that. The session remembers the
organisation, and other organisations' pages refuse it (see middleware.py).
"""

import base64
import hashlib
import secrets
import time
from urllib.parse import urlencode

import jwt
import requests
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from koers.accounts.actor import Actor, attribute
from koers.accounts.models import Membership
from koers.audit.services import log_action
from koers.hosting.models import SingleSignOn

PENDING = "koers_sso_pending"
# The organisation a session signed in through; its pages only.
SIGNED_IN_THROUGH = "koers_sso_organisation"
# Seconds a person may take at their provider before the sign-in must start again.
PENDING_SECONDS = 600
# Asymmetric signatures only: never "none" nor a shared secret an attacker could guess.
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]
TIMEOUT = 10  # seconds for each call to the provider
LEEWAY = 60  # seconds of clock difference tolerated in exp/iat


class SignInRefused(Exception):
    """A sign-in that cannot go on; the message is for the person (Dutch)."""


# -- the provider's published settings and keys ------------------------------------------


def discovery(sso: SingleSignOn) -> dict:
    """The provider's OpenID configuration, cached for an hour."""
    url = sso.issuer.rstrip("/")
    if not url.endswith("/.well-known/openid-configuration"):
        url += "/.well-known/openid-configuration"
    return _fetched_json("koers-oidc-discovery:", url)


def signing_keys(jwks_uri: str, *, refresh: bool = False) -> dict:
    return _fetched_json("koers-oidc-jwks:", jwks_uri, refresh=refresh)


def _fetched_json(prefix: str, url: str, *, refresh: bool = False) -> dict:
    """A JSON document of the provider, kept in the cache for an hour."""
    key = prefix + hashlib.sha256(url.encode()).hexdigest()
    found = None if refresh else cache.get(key)
    if found is None:
        try:
            response = requests.get(url, timeout=TIMEOUT)
            response.raise_for_status()
            found = response.json()
        except (requests.RequestException, ValueError) as error:
            raise SignInRefused(
                _("The sign-in service of your organisation cannot be reached. Try again later.")
            ) from error
        cache.set(key, found, 3600)
    return found


def verify_id_token(id_token: str, *, keys: dict, issuer: str, client_id: str, nonce: str) -> dict:
    """The ID token's claims once its signature (one of ``keys``, a JWKS), issuer,
    audience (our client id), expiry and nonce are right; SignInRefused otherwise."""
    refused = SignInRefused(_("The sign-in could not be verified. Start again."))
    try:
        header = jwt.get_unverified_header(id_token)
        keyset = jwt.PyJWKSet.from_dict(keys)
        candidates = [k for k in keyset.keys if header.get("kid") in (None, k.key_id)]
        if not candidates or header.get("alg") not in ALGORITHMS:
            raise refused
        claims = None
        for candidate in candidates:
            try:
                claims = jwt.decode(
                    id_token,
                    candidate.key,
                    algorithms=ALGORITHMS,
                    audience=client_id,
                    issuer=issuer,
                    leeway=LEEWAY,
                    options={"require": ["exp", "iat", "iss", "aud", "sub"]},
                )
                break
            except jwt.InvalidSignatureError:
                continue
    except (jwt.PyJWTError, ValueError, KeyError) as error:
        raise refused from error
    if claims is None:
        raise refused
    azp = claims.get("azp")
    if isinstance(claims.get("aud"), list) and len(claims["aud"]) > 1 and azp != client_id:
        raise refused
    if not nonce or not secrets.compare_digest(str(claims.get("nonce", "")), nonce):
        raise refused
    return claims


# -- the two legs of the flow ---------------------------------------------------------


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def start(request, sso: SingleSignOn, redirect_uri: str, next_url: str) -> str:
    """The provider's address to send the person to; state, nonce and the PKCE verifier
    wait in the session for the way back."""
    if not sso.enabled or sso.organisation.suspended:
        raise SignInRefused(_("Signing in with this organisation is not available."))
    config = discovery(sso)
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64)
    pending = {
        key: value
        for key, value in request.session.get(PENDING, {}).items()
        if time.time() - value["at"] < PENDING_SECONDS
    }
    pending[state] = {
        "sso": sso.pk,
        "nonce": nonce,
        "verifier": verifier,
        "next": next_url,
        "redirect_uri": redirect_uri,
        "at": time.time(),
    }
    request.session[PENDING] = pending
    query = {
        "response_type": "code",
        "client_id": sso.client_id,
        "redirect_uri": redirect_uri,
        "scope": sso.scopes,
        "state": state,
        "nonce": nonce,
        "code_challenge": _challenge(verifier),
        "code_challenge_method": "S256",
    }
    return config["authorization_endpoint"] + "?" + urlencode(query)


def finish(request) -> tuple[SingleSignOn, dict, str, str]:
    """Back from the provider: check the state, exchange the code (with the PKCE
    verifier), verify the ID token; returns the organisation's sign-on, the claims, where
    to go next and the ID token itself (the hint when signing out at the provider)."""
    expired = SignInRefused(_("This sign-in has expired or was not started here. Start again."))
    state = request.GET.get("state", "")
    pending_all = request.session.get(PENDING, {})
    pending = pending_all.pop(state, None) if state else None
    request.session[PENDING] = pending_all
    if pending is None or time.time() - pending["at"] > PENDING_SECONDS:
        raise expired
    sso = (
        SingleSignOn.objects.select_related("organisation")
        .filter(pk=pending["sso"], enabled=True, organisation__suspended=False)
        .first()
    )
    if sso is None:
        raise SignInRefused(_("Signing in with this organisation is not available."))
    request.koers_sso = sso
    if request.GET.get("error") or not request.GET.get("code"):
        raise SignInRefused(_("Your organisation's sign-in service did not sign you in."))
    config = discovery(sso)
    data = {
        "grant_type": "authorization_code",
        "code": request.GET["code"],
        "redirect_uri": pending["redirect_uri"],
        "code_verifier": pending["verifier"],
        "client_id": sso.client_id,
    }
    methods = config.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    auth = None
    if "client_secret_basic" in methods:
        auth = (sso.client_id, sso.secret())
    else:
        data["client_secret"] = sso.secret()
    try:
        response = requests.post(config["token_endpoint"], data=data, auth=auth, timeout=TIMEOUT)
        response.raise_for_status()
        tokens = response.json()
    except (requests.RequestException, ValueError) as error:
        raise SignInRefused(
            _("Your organisation's sign-in service did not sign you in.")
        ) from error
    if "id_token" not in tokens:
        raise SignInRefused(_("Your organisation's sign-in service did not sign you in."))
    verify = {"issuer": config["issuer"], "client_id": sso.client_id, "nonce": pending["nonce"]}
    try:
        claims = verify_id_token(
            tokens["id_token"], keys=signing_keys(config["jwks_uri"]), **verify
        )
    except SignInRefused:  # the provider may have rolled its keys since they were cached
        keys = signing_keys(config["jwks_uri"], refresh=True)
        claims = verify_id_token(tokens["id_token"], keys=keys, **verify)
    if (
        sso.email_claim not in claims
        and config.get("userinfo_endpoint")
        and tokens.get("access_token")
    ):
        claims = {**_userinfo(config, tokens["access_token"], claims["sub"]), **claims}
    return sso, claims, pending["next"], tokens["id_token"]


def _userinfo(config: dict, access_token: str, subject: str) -> dict:
    try:
        response = requests.get(
            config["userinfo_endpoint"],
            headers={"Authorization": f"Bearer {access_token}"},
            timeout=TIMEOUT,
        )
        response.raise_for_status()
        info = response.json()
    except (requests.RequestException, ValueError):
        return {}
    return info if info.get("sub") == subject else {}


# -- signing out at the provider too (RP-initiated logout) ---------------------------------


def logout_at_provider(sso: SingleSignOn, id_token: str) -> dict | None:
    """What ending the session at the provider needs, to keep in the Koers session from
    the sign-in on: the provider's end-session endpoint (from its discovery document), the
    ID token as ``id_token_hint`` and the client id. None when the provider has no such
    endpoint: signing out of Koers then ends the Koers session only."""
    try:
        endpoint = discovery(sso).get("end_session_endpoint")
    except SignInRefused:
        return None
    if not isinstance(endpoint, str) or not endpoint.startswith(("https://", "http://")):
        return None
    return {"endpoint": endpoint, "id_token": id_token, "client_id": sso.client_id}


def end_session_url(kept: dict, post_logout_redirect_uri: str) -> str:
    """The provider's end-session address for what :func:`logout_at_provider` kept; the
    provider sends the person back to ``post_logout_redirect_uri`` (registered there)."""
    query = urlencode(
        {
            "id_token_hint": kept["id_token"],
            "client_id": kept["client_id"],
            "post_logout_redirect_uri": post_logout_redirect_uri,
        }
    )
    endpoint = kept["endpoint"]
    return endpoint + ("&" if "?" in endpoint else "?") + query


# -- who the claims are -------------------------------------------------------------------


def email_of(sso: SingleSignOn, claims: dict) -> str:
    email = claims.get(sso.email_claim)
    if not isinstance(email, str) or "@" not in email:
        raise SignInRefused(
            _("Your organisation's sign-in service did not give an e-mail address.")
        )
    if claims.get("email_verified") is False:
        raise SignInRefused(
            _("Your organisation's sign-in service has not verified your e-mail address.")
        )
    return email.strip().lower()


@transaction.atomic
def member_for_claims(sso: SingleSignOn, claims: dict) -> tuple[Membership, bool]:
    """The membership of the sign-on's organisation the claims belong to, and whether it
    was made now. Only that organisation's members count: a person known elsewhere is
    not let in through this provider unless this organisation made them a member."""
    organisation = sso.organisation
    email = email_of(sso, claims)
    membership = (
        Membership._base_manager.select_related("user", "organisation")
        .filter(organisation=organisation, user__email__iexact=email)
        .first()
    )
    if membership is not None:
        if not membership.user.is_active:
            raise SignInRefused(_("Your account is switched off. Ask your administrator."))
        return membership, False
    User = get_user_model()
    if not sso.create_members:
        raise SignInRefused(
            _(
                "%(email)s is not a member of %(organisation)s in Koers. "
                "Ask an administrator of %(organisation)s to add you."
            )
            % {"email": email, "organisation": organisation.name}
        )
    if (
        User.objects.filter(email__iexact=email).exists()
        or User.objects.filter(username__iexact=email).exists()
    ):
        # An account of another organisation: joining it to this one is the administrator's
        # decision, not the provider's (else any organisation's provider could claim it).
        raise SignInRefused(
            _(
                "There is already a Koers account for %(email)s. Ask an administrator of "
                "%(organisation)s to add you as a member."
            )
            % {"email": email, "organisation": organisation.name}
        )
    user = User.objects.create_user(
        username=email,
        email=email,
        password=None,
        first_name=str(claims.get("given_name", ""))[:150],
        last_name=str(claims.get("family_name", ""))[:150],
    )
    membership = Membership(user=user, organisation=organisation, role=sso.default_role)
    attribute(
        membership, Actor.system(user), _("Added at a sign-in with the organisation's provider")
    )
    membership.save()
    return membership, True


class SingleSignOnBackend(ModelBackend):
    """Authenticates the claims of a verified ID token (never a password). Called through
    django.contrib.auth.authenticate so that django-axes checks the throttle first and
    counts a refusal as a failed login of that e-mail address."""

    def authenticate(self, request, username=None, single_sign_on=None, claims=None, **kwargs):
        if single_sign_on is None or claims is None:
            return None
        try:
            membership, created = member_for_claims(single_sign_on, claims)
        except SignInRefused as refusal:
            if request is not None:
                request.koers_sso_refusal = str(refusal)
            return None
        if request is not None:
            request.koers_sso_membership = (membership, created)
        return membership.user if self.user_can_authenticate(membership.user) else None


def audit_sign_in(sso: SingleSignOn, membership: Membership, created: bool, claims: dict) -> None:
    log_action(
        sso.organisation_id,
        "hosting.single_sign_on.signed_in",
        user=membership.user,
        obj=membership,
        label=membership.user.email,
        data={
            "issuer": claims.get("iss", ""),
            "subject": claims.get("sub", ""),
            "created": created,
        },
    )


def audit_refusal(sso: SingleSignOn, reason: str, claims: dict | None) -> None:
    claims = claims or {}
    log_action(
        sso.organisation_id,
        "hosting.single_sign_on.refused",
        obj=sso,
        label=str(claims.get(sso.email_claim, "")),
        data={"reason": reason, "issuer": claims.get("iss", ""), "subject": claims.get("sub", "")},
    )
