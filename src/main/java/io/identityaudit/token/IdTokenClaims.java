package io.identityaudit.token;

import java.time.Instant;
import java.util.List;

/** The claims of a verified ID token that downstream consumers use. Optional ones are null when absent. */
public record IdTokenClaims(
        String subject,
        String issuer,
        List<String> audience,
        String authorizedParty,
        String email,
        Boolean emailVerified,
        String name,
        String preferredUsername,
        Instant issuedAt,
        Instant expiresAt,
        Instant authTime,
        String jwtId) {

    public IdTokenClaims {
        audience = List.copyOf(audience);
    }
}
