package io.identityaudit.topology;

import io.identityaudit.avro.IdentityRejection;
import io.identityaudit.avro.VerifiedIdentity;
import io.identityaudit.avro.WidgetSessionEvent;
import io.identityaudit.token.ErrorCode;
import io.identityaudit.token.IdTokenClaims;
import io.identityaudit.token.TokenVerdict;
import io.identityaudit.token.UnverifiedToken;
import java.time.Instant;

/** Builds the output records. The token itself is never an input here: only its fingerprint. */
final class Verdicts {

    private Verdicts() {
    }

    static Verdict verified(WidgetSessionEvent event, TokenVerdict.Accepted accepted, InputPosition input) {
        IdTokenClaims claims = accepted.claims();
        return new Verdict.Verified(VerifiedIdentity.newBuilder()
                .setEventId(event.getEventId())
                .setTenantId(event.getTenantId())
                .setSessionId(event.getSessionId())
                .setEventType(event.getEventType())
                .setSubject(claims.subject())
                .setIssuer(claims.issuer())
                .setAudience(claims.audience())
                .setAuthorizedParty(claims.authorizedParty())
                .setEmail(claims.email())
                .setEmailVerified(claims.emailVerified())
                .setName(claims.name())
                .setPreferredUsername(claims.preferredUsername())
                .setIssuedAt(claims.issuedAt())
                .setExpiresAt(claims.expiresAt())
                .setAuthTime(claims.authTime())
                .setJti(claims.jwtId())
                .setSigningKeyId(accepted.keyId())
                .setAlgorithm(accepted.algorithm())
                .setTokenFingerprint(accepted.fingerprint())
                .setReferenceTime(event.getOccurredAt())
                .setClientIp(event.getClientIp())
                .setUserAgent(event.getUserAgent())
                .setOrigin(event.getOrigin())
                .setInputTopic(input.topic())
                .setInputPartition(input.partition())
                .setInputOffset(input.offset())
                .build());
    }

    /** A rejection decided before the token was looked at (tenant unknown, disabled, misconfigured, no token). */
    static Verdict rejected(WidgetSessionEvent event, ErrorCode code, String detail, String fingerprint,
                            InputPosition input) {
        return rejected(event, code, detail, fingerprint, UnverifiedToken.UNREADABLE, false, false, input);
    }

    static Verdict rejected(WidgetSessionEvent event, TokenVerdict.Refused refused, InputPosition input) {
        return rejected(event, refused.code(), refused.detail(), refused.fingerprint(), refused.token(),
                refused.signatureChecked(), refused.signatureValid(), input);
    }

    private static Verdict rejected(WidgetSessionEvent event, ErrorCode code, String detail, String fingerprint,
                                    UnverifiedToken token, boolean signatureChecked, boolean signatureValid,
                                    InputPosition input) {
        IdentityRejection rejection = base(code, detail, input)
                .setEventId(event.getEventId())
                .setTenantId(event.getTenantId())
                .setSessionId(event.getSessionId())
                .setEventType(event.getEventType())
                .setReferenceTime(event.getOccurredAt())
                .setClientIp(event.getClientIp())
                .setUserAgent(event.getUserAgent())
                .setOrigin(event.getOrigin())
                .setTokenFingerprint(fingerprint)
                .setSignatureChecked(signatureChecked)
                .setSignatureValid(signatureValid)
                .setTokenAlgorithm(token.algorithm())
                .setTokenKeyId(token.keyId())
                .setUnverifiedIssuer(token.issuer())
                .setUnverifiedAudience(token.audience())
                .setUnverifiedSubject(token.subject())
                .setUnverifiedExpiresAt(token.expiresAt())
                .setUnverifiedIssuedAt(token.issuedAt())
                .build();
        return new Verdict.Rejected(event.getSessionId(), event.getOccurredAt(), rejection);
    }

    /** The value could not be decoded: nothing of the event is known but where it was and its key. */
    static Verdict malformedEvent(String inputKey, Instant recordTime, String detail, InputPosition input) {
        return new Verdict.Rejected(inputKey, recordTime, base(ErrorCode.MALFORMED_EVENT, detail, input).build());
    }

    /** A bug: named by its exception class only, since a message could quote the token. */
    static Verdict internalError(String inputKey, Instant recordTime, WidgetSessionEvent eventOrNull,
                                 Throwable error, InputPosition input) {
        String detail = "processing failed with " + error.getClass().getName();
        if (eventOrNull == null) {
            IdentityRejection rejection = base(ErrorCode.INTERNAL_ERROR, detail, input)
                    .setExceptionClass(error.getClass().getName())
                    .build();
            return new Verdict.Rejected(inputKey, recordTime, rejection);
        }
        Verdict.Rejected rejected = (Verdict.Rejected) rejected(eventOrNull, ErrorCode.INTERNAL_ERROR, detail,
                null, input);
        rejected.rejection().setExceptionClass(error.getClass().getName());
        return rejected;
    }

    private static IdentityRejection.Builder base(ErrorCode code, String detail, InputPosition input) {
        return IdentityRejection.newBuilder()
                .setErrorCode(code.name())
                .setDetail(detail + ". " + code.hint())
                .setHint(code.hint())
                .setRetryable(code.retryable())
                .setSignatureChecked(false)
                .setSignatureValid(false)
                .setInputTopic(input.topic())
                .setInputPartition(input.partition())
                .setInputOffset(input.offset());
    }
}
