package io.identityaudit.token;

import java.time.Instant;

/**
 * What the checks after the signature need of a genuine token, read once from its JSON: the identity it carries
 * and the claims judged at every event (sub, exp, iat, nbf). The verification cache keeps this instead of the
 * token and its parsed JSON.
 *
 * @param identity        the claims as accepted; its subject is null when sub is not a string (and then refused)
 * @param hasSubjectClaim whether the token has a sub member at all, to say which way sub is missing
 * @param notBefore       nbf, null when absent
 */
record SignedClaims(IdTokenClaims identity, boolean hasSubjectClaim, Instant notBefore) {
}
