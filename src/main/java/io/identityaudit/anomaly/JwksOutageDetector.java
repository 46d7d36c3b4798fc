package io.identityaudit.anomaly;

import io.identityaudit.avro.AnomalyKind;
import io.identityaudit.avro.AnomalySeverity;
import io.identityaudit.avro.AnomalySignal;
import io.identityaudit.config.AnomalyThresholds;
import io.identityaudit.token.ErrorCode;
import java.time.Duration;
import java.util.List;

/**
 * JWKS outage, per Okta domain: events whose org's key set could not be read (first tries that went to the retry
 * topic and final JWKS_FETCH_FAILED rejections; an event's retries count once).
 */
final class JwksOutageDetector implements Detector {

    private final AnomalyThresholds thresholds;

    JwksOutageDetector(AnomalyThresholds thresholds) {
        this.thresholds = thresholds;
    }

    @Override
    public String name() {
        return "jwks-outage";
    }

    @Override
    public AnomalyKind kind() {
        return AnomalyKind.JWKS_OUTAGE;
    }

    @Override
    public Duration window() {
        return thresholds.jwksWindow();
    }

    @Override
    public List<AnomalySignal> signals(VerdictFacts facts) {
        if (facts.domain() == null || !facts.rejectedWith(ErrorCode.JWKS_FETCH_FAILED.name())) {
            return List.of();
        }
        return List.of(facts.signal(this, "domain:" + facts.domain()).build());
    }

    @Override
    public List<Finding> observe(AnomalySignal signal, Tally tally) {
        int failures = tally.increment("failures");
        int tenants = tally.addDistinct("tenant", signal.getTenantId());
        if (failures < thresholds.jwksMinFailures()) {
            return List.of();
        }
        return List.of(new Finding(kind(), "outage", null, AnomalySeverity.HIGH, failures, null,
                thresholds.jwksMinFailures(), failures + " events of " + tenants
                + " tenant(s) found the org's key set unreadable in the window"));
    }
}
