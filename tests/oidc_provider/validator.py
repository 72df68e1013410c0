from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    """Puts the e-mail address and names in the ID token (as Entra ID and ACM/IDM do);
    a user whose last name is "unverified" gets email_verified false."""

    oidc_claim_scope = None  # every claim below goes into the ID token

    def get_additional_claims(self, request):
        user = request.user
        return {
            "email": user.email,
            "email_verified": user.last_name != "unverified",
            "given_name": user.first_name,
            "family_name": user.last_name,
        }
