package io.identityaudit.anomaly;

import io.identityaudit.avro.AnomalySignal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What the detectors may know about one verdict: the event's context, the outcome and what the token claimed,
 * and the subject only hashed ({@link #subjectHash}) into what leaves it. Never the token. Built once per verdict by
 * {@link SignalExtractor}.
 *
 * @param errorCode          null when the token was accepted
 * @param subject            the subject, verified or as the refused token claimed it; kept in memory only
 * @param claimsTenantIssuer whether the token's iss, as read, is the issuer of the tenant's configured org
 * @param domain             the tenant's configured Okta domain when the event occurred, if it had one
 * @param tenantClientId     the tenant's configured client ID when the event occurred, if it had one
 * @param audience           the token's aud, verified or as read
 * @param pastBoundary       for TOKEN_EXPIRED, how long after exp the event occurred; for TOKEN_NOT_YET_VALID,
 *                           how long before iat; null otherwise or when the token's times are unknown
 * @param lateBy             how far occurredAt lags behind the newest event time already seen on its partition
 * @param streamTime         that newest event time
 * @param newKeyForTenant    a genuine token of this tenant used a key id this partition had not seen before
 * @param newClientForTenant this partition had not seen a genuine token for this tenant's client ID before
 */
record VerdictFacts(String eventId, String tenantId, String sessionId, Instant occurredAt, String errorCode,
                    String clientIp, String userAgent, String fingerprint, String subject, String keyId,
                    boolean claimsTenantIssuer, String domain, String tenantClientId, List<String> audience,
                    Duration pastBoundary, long lateBy, long streamTime, boolean newKeyForTenant, boolean newClientForTenant) {

    /**
     * A hash of tenant and subject, null without a subject. Computed when a signal or a repeat key needs it, not
     * for every verdict: most verdicts are repeats that need none.
     */
    String subjectHash() {
        return subject == null ? null : Anomalies.subjectHash(tenantId, subject);
    }

    boolean accepted() {
        return errorCode == null;
    }

    boolean rejectedWith(String... codes) {
        return errorCode != null && List.of(codes).contains(errorCode);
    }

    /** A signal for {@code detector} about {@code groupKey}, carrying this verdict's facts. */
    AnomalySignal.Builder signal(Detector detector, String groupKey) {
        return AnomalySignal.newBuilder()
                .setDetector(detector.name())
                .setGroupKey(groupKey)
                .setEventId(eventId)
                .setTenantId(tenantId)
                .setSessionId(sessionId)
                .setOccurredAt(occurredAt)
                .setErrorCode(errorCode)
                .setClientIp(clientIp)
                .setUserAgent(userAgent)
                .setSubjectHash(subjectHash())
                .setKeyId(keyId)
                .setValue(0.0);
    }
}
