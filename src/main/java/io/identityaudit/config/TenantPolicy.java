package io.identityaudit.config;

import java.net.URI;
import java.util.Locale;

/**
 * A tenant configuration that passed every check, in the form validation uses.
 *
 * @param domain lowercase Okta (or allowlisted custom) domain, {@code host} or {@code host:port}
 */
public record TenantPolicy(String tenantId, String clientId, String domain, boolean enabled) {

    public TenantPolicy {
        domain = domain.toLowerCase(Locale.ROOT);
    }

    /** The exact {@code iss} an ID token of this org carries: Okta's org authorization server. */
    public String issuer() {
        return "https://" + domain;
    }

    /** Where the org publishes its ID token signing keys. Never taken from the token. */
    public URI jwksUri() {
        return URI.create(issuer() + "/oauth2/v1/keys");
    }
}
