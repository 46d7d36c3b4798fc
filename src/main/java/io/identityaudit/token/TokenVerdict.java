package io.identityaudit.token;

/** What the validator concluded about one token. */
public sealed interface TokenVerdict {

    /** Lowercase hex SHA-256 of the token: the only trace of the token that leaves the validator. */
    String fingerprint();

    /** Every rule passed, including a signature verified with the org's published key. */
    record Accepted(IdTokenClaims claims, String keyId, String algorithm, String fingerprint)
            implements TokenVerdict {
    }

    /**
     * A rule failed.
     *
     * @param detail           what exactly failed, never containing the token
     * @param signatureChecked whether the signature had been checked when the rule failed
     * @param signatureValid   whether that check passed
     */
    record Refused(ErrorCode code, String detail, String fingerprint, UnverifiedToken token,
                   boolean signatureChecked, boolean signatureValid) implements TokenVerdict {
    }
}
