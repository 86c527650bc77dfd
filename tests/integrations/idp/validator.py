from oauth2_provider.oauth2_validators import OAuth2Validator


class EmailValidator(OAuth2Validator):
    """The provider vouches for its users' email addresses (verified unless the test says not)."""

    oidc_claim_scope = None  # every claim for every scope: the test provider is simple

    def get_additional_claims(self, request):  # type: ignore[no-untyped-def]
        user = request.user
        return {"email": user.email, "email_verified": not user.last_name.endswith("(unverified)")}
