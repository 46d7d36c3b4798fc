package io.identityaudit.config;

import java.time.Duration;
import java.util.Set;

/**
 * The knobs of token validation that an operator may turn.
 *
 * @param clockSkew            leeway for exp, iat and nbf; 60 s like Spring Security, nimbus and Envoy
 * @param maxTokenChars        longer tokens are refused before any parsing (MALFORMED_TOKEN)
 * @param acceptedAlgorithms   JWS algorithms accepted; Okta signs ID tokens with RS256 only. {@code none} and
 *                             HMAC algorithms are refused whatever this says, since a public key must never
 *                             serve as an HMAC secret.
 */
public record TokenRules(Duration clockSkew, int maxTokenChars, Set<String> acceptedAlgorithms) {

    public static final TokenRules DEFAULTS = new TokenRules(Duration.ofSeconds(60), 16 * 1024, Set.of("RS256"));

    public TokenRules {
        if (clockSkew.isNegative()) {
            throw new IllegalArgumentException("clock skew must not be negative");
        }
        if (maxTokenChars < 64) {
            throw new IllegalArgumentException("max token size must be at least 64 characters");
        }
        acceptedAlgorithms = Set.copyOf(acceptedAlgorithms);
        for (String alg : acceptedAlgorithms) {
            if (!alg.startsWith("RS") && !alg.startsWith("PS") && !alg.startsWith("ES")) {
                throw new IllegalArgumentException("not an asymmetric JWS algorithm: " + alg);
            }
        }
    }
}
