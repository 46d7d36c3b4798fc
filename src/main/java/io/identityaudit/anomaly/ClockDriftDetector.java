package io.identityaudit.anomaly;

import io.identityaudit.avro.AnomalyKind;
import io.identityaudit.avro.AnomalySeverity;
import io.identityaudit.avro.AnomalySignal;
import io.identityaudit.config.AnomalyThresholds;
import io.identityaudit.token.ErrorCode;
import java.time.Duration;
import java.util.List;

/**
 * Clock drift, per tenant: genuine tokens refused as TOKEN_EXPIRED or TOKEN_NOT_YET_VALID close to the boundary
 * (a few minutes past exp, or before iat), for several distinct users in one window. Many users just beyond the
 * boundary at once points at a clock (the session service's, or occurredAt stamping), not at stale tokens, which
 * are refused long after their expiry.
 */
final class ClockDriftDetector implements Detector {

    private final AnomalyThresholds thresholds;

    ClockDriftDetector(AnomalyThresholds thresholds) {
        this.thresholds = thresholds;
    }

    @Override
    public String name() {
        return "clock-drift";
    }

    @Override
    public AnomalyKind kind() {
        return AnomalyKind.CLOCK_DRIFT;
    }

    @Override
    public Duration window() {
        return thresholds.driftWindow();
    }

    @Override
    public List<AnomalySignal> signals(VerdictFacts facts) {
        if (facts.domain() == null || !facts.rejectedWith(ErrorCode.TOKEN_EXPIRED.name(),
                ErrorCode.TOKEN_NOT_YET_VALID.name()) || facts.pastBoundary() == null
                || facts.pastBoundary().compareTo(thresholds.driftBoundary()) > 0) {
            return List.of();
        }
        return List.of(facts.signal(this, "tenant:" + facts.tenantId())
                .setValue(facts.pastBoundary().toMillis() / 1000.0).build());
    }

    @Override
    public List<Finding> observe(AnomalySignal signal, Tally tally) {
        int rejections = tally.increment("rejections");
        int subjects = tally.addDistinct("subject", signal.getSubjectHash());
        tally.addDistinct("code", signal.getErrorCode());
        tally.counters.put("maxSecondsPast", Math.max(tally.count("maxSecondsPast"), (int) signal.getValue()));
        if (rejections < thresholds.driftMinRejections() || subjects < thresholds.driftMinSubjects()) {
            return List.of();
        }
        return List.of(new Finding(kind(), "drift", signal.getTenantId(), AnomalySeverity.LOW, rejections, null,
                thresholds.driftMinRejections(), rejections + " genuine tokens of " + subjects + " users were refused "
                + "for their time claims (" + String.join(", ", tally.distinct.get("code")) + ") at most "
                + tally.count("maxSecondsPast") + " s beyond them, in the window"));
    }
}
