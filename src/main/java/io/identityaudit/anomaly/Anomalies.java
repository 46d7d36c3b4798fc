package io.identityaudit.anomaly;

import io.identityaudit.avro.AnomalyKind;
import io.identityaudit.avro.SecurityAnomaly;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/** Builds anomaly records: the one place that knows each kind's suggested action and how ids are made. */
public final class Anomalies {

    private Anomalies() {
    }

    /** What a person should do next about an anomaly of this kind (docs/anomalies.md repeats it). */
    public static String suggestedAction(AnomalyKind kind) {
        return switch (kind) {
            case TOKEN_REPLAY -> "Treat the token as stolen: find its sessions by tokenFingerprint on identity.verified "
                    + "and identity.rejected, end them, and revoke the user's Okta sessions "
                    + "(DELETE /api/v1/users/{id}/sessions).";
            case FORGERY_ATTEMPT -> "Someone presents tokens that claim this tenant's org but are not signed by it: "
                    + "block the client IPs in the sample events and check the tenant's widget for token injection.";
            case REJECTION_SPIKE -> "Compare the code's hint in docs/error-codes.md with recent changes to the tenant's "
                    + "SSO configuration and widget; if nothing changed on your side, treat it as an attack on the tenant.";
            case SUBJECT_UNDER_ATTACK -> "Check the user's Okta System Log for failed sign-ins and factor challenges; if a "
                    + "token was accepted afterwards, confirm with the user and revoke their sessions.";
            case CLIENT_MANY_IDENTITIES -> "Likely credential stuffing or tenant enumeration: rate-limit or block the "
                    + "client IP at the edge, and check whether any of its tokens were accepted.";
            case CROSS_TENANT_TOKEN -> "A token minted for one tenant's Okta app was presented at another tenant: check "
                    + "for a shared or copied client ID and for a user probing tenant isolation.";
            case CLOCK_DRIFT -> "Compare the session service's and the browsers' clocks with NTP; if tokens are old, check "
                    + "that the widget refreshes tokens before they expire.";
            case EVENT_TIME_LAG -> "Events arrive long after they occurred: check the session service's buffering and "
                    + "producer, or a replay in progress; time-based verdicts use occurredAt.";
            case JWKS_OUTAGE -> "The org's key set cannot be read: check https://{domain}/oauth2/v1/keys and "
                    + "status.okta.com; events wait on the retry topic and are judged again.";
            case TENANT_CONFIG_CHANGE -> "Confirm with the tenant's admin (changedBy) that the change of Okta domain or "
                    + "client ID was intended; an unexpected change can redirect the tenant's sign-in.";
        };
    }

    /** Deterministic: the same kind, key, window and stage give the same id, on re-delivery and on replay. */
    public static String anomalyId(AnomalyKind kind, String key, Instant windowStart, String stage) {
        return hash(kind.name() + "\n" + key + "\n" + windowStart.toEpochMilli() + "\n" + stage).substring(0, 32);
    }

    static SecurityAnomaly build(Finding finding, String key, Instant windowStart, Instant windowEnd,
                                 List<String> sampleEventIds, Instant detectedAt) {
        return SecurityAnomaly.newBuilder()
                .setAnomalyId(anomalyId(finding.kind(), key, windowStart, finding.stage()))
                .setKind(finding.kind())
                .setTenantId(finding.tenantId())
                .setKey(key)
                .setWindowStart(windowStart)
                .setWindowEnd(windowEnd)
                .setObserved(finding.observed())
                .setBaseline(finding.baseline())
                .setThreshold(finding.threshold())
                .setSeverity(finding.severity())
                .setSampleEventIds(List.copyOf(sampleEventIds.subList(0, Math.min(Tally.MAX_SAMPLES,
                        sampleEventIds.size()))))
                .setDetail(finding.detail())
                .setSuggestedAction(suggestedAction(finding.kind()))
                .setDetectedAt(detectedAt)
                .build();
    }

    /** Lowercase hex SHA-256. */
    static String hash(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM provides SHA-256", e);
        }
    }

    /** The key under which a subject appears in anomalies: never the subject itself. */
    static String subjectHash(String tenantId, String subject) {
        return "sub:" + hash(tenantId + "\u0000" + subject).substring(0, 32);
    }

    static long eventHash(String eventId) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(eventId.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM provides SHA-256", e);
        }
        long hash = 0;
        for (int i = 0; i < 8; i++) {
            hash = (hash << 8) | (digest[i] & 0xff);
        }
        return hash;
    }
}
