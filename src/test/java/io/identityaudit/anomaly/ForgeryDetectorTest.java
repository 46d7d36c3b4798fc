package io.identityaudit.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import io.identityaudit.avro.AnomalySeverity;
import io.identityaudit.avro.AnomalySignal;
import io.identityaudit.config.AnomalyThresholds;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A key rotation must not look like forgery: a refused token whose key id the tenant's genuine tokens used before
 * is a retired key, not a forged token. (On the topology this needs an org that drops a key from its key set while
 * the registry's cache still holds it, so it is specified here on the detector.)
 */
class ForgeryDetectorTest {

    final ForgeryDetector detector = new ForgeryDetector(AnomalyThresholds.DEFAULTS);
    final Tally tally = new Tally(0);

    static AnomalySignal signal(String errorCode, String keyId) {
        return AnomalySignal.newBuilder()
                .setDetector("forgery")
                .setGroupKey("tenant:acme")
                .setEventId("evt-" + System.nanoTime())
                .setTenantId("acme")
                .setOccurredAt(Instant.parse("2026-11-26T10:00:00Z"))
                .setErrorCode(errorCode)
                .setClientIp("198.51.100.1")
                .setKeyId(keyId)
                .build();
    }

    @Test
    void unknownSigningKeyWhoseKeyIdVerifiedBeforeIsARetiredKeyNotForgery() {
        detector.observe(signal(null, "kid-2025"), tally);

        assertThat(detector.observe(signal("UNKNOWN_SIGNING_KEY", "kid-2025"), tally)).isEmpty();
        assertThat(tally.count("retiredKey")).isEqualTo(1);
    }

    @Test
    void unknownSigningKeyWithAKeyIdNeverSeenIsForgery() {
        detector.observe(signal(null, "kid-2025"), tally);

        assertThat(detector.observe(signal("UNKNOWN_SIGNING_KEY", "kid-attacker"), tally))
                .singleElement().satisfies(f -> assertThat(f.severity()).isEqualTo(AnomalySeverity.MEDIUM));
    }

    @Test
    void invalidSignatureUnderAKnownKeyIdIsForgery() {
        detector.observe(signal(null, "kid-2025"), tally);

        assertThat(detector.observe(signal("INVALID_SIGNATURE", "kid-2025"), tally)).hasSize(1);
    }

    @Test
    void knownKeyIdsOutliveTheWindow() {
        detector.observe(signal(null, "kid-2025"), tally);
        Tally later = detector.next(tally, 600_000);

        assertThat(detector.observe(signal("UNKNOWN_SIGNING_KEY", "kid-2025"), later)).isEmpty();
    }
}
