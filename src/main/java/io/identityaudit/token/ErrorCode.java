package io.identityaudit.token;

/**
 * Why an event was not turned into a verified identity. Each code carries the fix a person can act on; the
 * Okta integration guide's troubleshooting section is the model for the wording.
 *
 * <p>This enum is the only place that knows the codes, whether they are retryable and their hints:
 * {@code docs/error-codes.md} and every rejection record are written from it.
 */
public enum ErrorCode {

    MALFORMED_EVENT(false,
            "The record value is not a WidgetSessionEvent in Avro single-object encoding. Check the producer's "
                    + "serializer and schema: the value must start with the marker C3 01 and the fingerprint of a "
                    + "schema published in schemas/."),

    MISSING_TOKEN(false,
            "The event carries no ID token. Pass the Okta ID token to the widget after sign-in "
                    + "(authState.idToken.idToken with Okta Auth JS, or authState.idToken in the Okta React SDK)."),

    MALFORMED_TOKEN(false,
            "The token is not a signed Okta ID token (compact JWS: header.payload.signature, base64url, JSON, "
                    + "within the size limit, with kid, exp and iat). Pass the raw ID token string, not a "
                    + "decoded, encrypted or truncated copy."),

    UNKNOWN_TENANT(false,
            "No SSO configuration existed for this tenant when the event occurred. Save the tenant's Okta "
                    + "configuration (provider okta, client ID, domain) before sending its events."),

    SSO_DISABLED(false,
            "SSO is switched off for this tenant. Enable it in the tenant's SSO configuration if its users "
                    + "should be verified."),

    TENANT_CONFIG_INVALID(false,
            "The tenant's SSO configuration is unusable. The domain must be the bare Okta domain, without "
                    + "https:// or a path (e.g. acme.okta.com, or *.oktapreview.com for preview orgs), or a "
                    + "custom domain the operator has allowlisted; the provider must be okta and the client ID "
                    + "must be set."),

    UNSUPPORTED_ALGORITHM(false,
            "The token is not signed with an accepted algorithm (RS256, as Okta signs ID tokens). Tokens with "
                    + "alg none or an HMAC algorithm are never accepted: make sure the token comes from Okta."),

    JWKS_FETCH_FAILED(true,
            "The Okta JWKS endpoint could not be reached or read. Verify the Okta domain is correct, check that "
                    + "Okta is accessible (not blocked by a firewall or proxy), and use test-connection to verify "
                    + "connectivity. The event can be retried once the endpoint answers."),

    UNKNOWN_SIGNING_KEY(false,
            "The token's key id (kid) is not among the org's published signing keys, even after a refresh. "
                    + "The token was signed by another org or authorization server, or it is an access token "
                    + "(its keys are not published at /oauth2/v1/keys): pass the ID token from this tenant's org."),

    INVALID_SIGNATURE(false,
            "The signature does not match the org's signing key: the token was altered or forged. Do not trust "
                    + "it; if it came from your own widget, check that nothing rewrites the token on its way."),

    INVALID_ISSUER(false,
            "The token's iss does not match https://{domain}. Verify the tenant's Okta domain: it must not "
                    + "include the https:// prefix, must match exactly (e.g. acme.okta.com), and preview orgs use "
                    + "*.oktapreview.com. Tokens from a custom authorization server (/oauth2/...) are not accepted."),

    INVALID_AUDIENCE(false,
            "The token's aud does not include the configured Client ID. Ensure the Client ID matches your Okta "
                    + "application exactly, verify you are passing the ID token and not the access token, and "
                    + "check that the Okta application is a Single-Page Application."),

    MISSING_SUBJECT(false,
            "The token has no string sub claim, which identifies the user. Okta ID tokens always carry one: "
                    + "pass an Okta ID token."),

    TOKEN_EXPIRED(false,
            "The token had expired when the event occurred. Check your Okta application's token lifetime "
                    + "settings, refresh tokens before they expire, and verify that your servers and Okta have "
                    + "synchronized clocks."),

    TOKEN_NOT_YET_VALID(false,
            "The token was issued after the event occurred (iat or nbf in the future beyond the allowed clock "
                    + "skew). Verify that the session service and Okta have synchronized clocks."),

    INTERNAL_ERROR(false,
            "identity-audit failed while processing this event. The rejection names the exception class; "
                    + "report it with the event id so the operators can look into the logs.");

    private final boolean retryable;
    private final String hint;

    ErrorCode(boolean retryable, String hint) {
        this.retryable = retryable;
        this.hint = hint;
    }

    /** True when the same event may verify later without any change on either side. */
    public boolean retryable() {
        return retryable;
    }

    /** What a person should do about it. */
    public String hint() {
        return hint;
    }
}
