package io.identityaudit.token;

import java.time.Instant;
import java.util.List;

/**
 * What a refused token says about itself, as read and not trusted: for the security team's triage
 * (which org, which user was claimed). Every field is null when unreadable; values are cut to a safe length.
 */
public record UnverifiedToken(String algorithm, String keyId, String issuer, List<String> audience, String subject,
                              Instant expiresAt, Instant issuedAt) {

    public static final UnverifiedToken UNREADABLE = new UnverifiedToken(null, null, null, null, null, null, null);

    public UnverifiedToken {
        audience = audience == null ? null : List.copyOf(audience);
    }
}
