package io.identityaudit.anomaly;

import io.identityaudit.avro.AnomalyKind;
import io.identityaudit.avro.AnomalySeverity;
import io.identityaudit.avro.AnomalySignal;
import io.identityaudit.config.AnomalyThresholds;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Event-time lag, per tenant: events whose occurredAt lags far behind the newest event time already seen on their
 * partition (the stream time, not the wall clock, so a replay gives the same result). Windowed by that stream time.
 */
final class EventTimeLagDetector implements Detector {

    private final AnomalyThresholds thresholds;

    EventTimeLagDetector(AnomalyThresholds thresholds) {
        this.thresholds = thresholds;
    }

    @Override
    public String name() {
        return "event-time-lag";
    }

    @Override
    public AnomalyKind kind() {
        return AnomalyKind.EVENT_TIME_LAG;
    }

    @Override
    public Duration window() {
        return thresholds.lagWindow();
    }

    @Override
    public List<AnomalySignal> signals(VerdictFacts facts) {
        if (facts.domain() == null || facts.lateBy() < thresholds.lagThreshold().toMillis()) {
            return List.of();
        }
        return List.of(facts.signal(this, "tenant:" + facts.tenantId())
                .setOccurredAt(Instant.ofEpochMilli(facts.streamTime()))
                .setValue(facts.lateBy() / 1000.0)
                .build());
    }

    @Override
    public List<Finding> observe(AnomalySignal signal, Tally tally) {
        int late = tally.increment("late");
        int maxLag = Math.max(tally.count("maxLagSeconds"), (int) signal.getValue());
        tally.counters.put("maxLagSeconds", maxLag);
        if (late < thresholds.lagMinEvents()) {
            return List.of();
        }
        return List.of(new Finding(kind(), "lag", signal.getTenantId(), AnomalySeverity.LOW, late, null,
                thresholds.lagMinEvents(), late + " events arrived more than " + thresholds.lagThreshold().toMinutes()
                + " minutes after newer events of their partition, up to " + maxLag + " s late"));
    }
}
