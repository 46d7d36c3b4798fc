package io.identityaudit.anomaly;

import io.identityaudit.avro.AnomalyKind;
import io.identityaudit.avro.AnomalySeverity;
import io.identityaudit.avro.AnomalySignal;
import io.identityaudit.config.AnomalyThresholds;
import io.identityaudit.token.ErrorCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Rejection spike, per tenant and error code: the window's count far above the tenant's own recent baseline,
 * measured with the modified (robust) z-score against the preceding windows (quiet windows count as zero), and
 * at least a minimum volume so a quiet tenant does not flap.
 */
final class RejectionSpikeDetector implements Detector {

    /** Makes the median absolute deviation comparable to a standard deviation for normal data. */
    static final double MAD_SCALE = 1.4826;
    private static final List<String> NOT_PER_TENANT = List.of(ErrorCode.MALFORMED_EVENT.name(),
            ErrorCode.UNKNOWN_TENANT.name());

    private final AnomalyThresholds thresholds;

    RejectionSpikeDetector(AnomalyThresholds thresholds) {
        this.thresholds = thresholds;
    }

    @Override
    public String name() {
        return "rejection-spike";
    }

    @Override
    public AnomalyKind kind() {
        return AnomalyKind.REJECTION_SPIKE;
    }

    @Override
    public Duration window() {
        return thresholds.spikeWindow();
    }

    @Override
    public List<AnomalySignal> signals(VerdictFacts facts) {
        // Only configured tenants: an event can name any tenant id, and must not create state for it.
        if (facts.accepted() || facts.domain() == null || NOT_PER_TENANT.contains(facts.errorCode())) {
            return List.of();
        }
        return List.of(facts.signal(this, "tenant:" + facts.tenantId() + "|code:" + facts.errorCode()).build());
    }

    @Override
    public Tally next(Tally previous, long windowStart) {
        Tally next = previous.next(windowStart);
        long windowMs = window().toMillis();
        long skipped = (windowStart - previous.windowStart) / windowMs - 1;
        next.history.add(previous.count("rejections"));
        for (long i = 0; i < Math.min(skipped, thresholds.spikeBaselineWindows()); i++) {
            next.history.add(0);
        }
        while (next.history.size() > thresholds.spikeBaselineWindows()) {
            next.history.remove(0);
        }
        return next;
    }

    @Override
    public List<Finding> observe(AnomalySignal signal, Tally tally) {
        int count = tally.increment("rejections");
        if (tally.history.isEmpty()) {
            return List.of();
        }
        double median = median(tally.history);
        List<Double> deviations = new ArrayList<>();
        tally.history.forEach(c -> deviations.add(Math.abs(c - median)));
        // A flat history has no deviation; a floor of one rejection keeps the score finite and meaningful.
        double mad = Math.max(1.0, medianOf(deviations));
        double threshold = Math.max(thresholds.spikeMinVolume(),
                Math.ceil(median + thresholds.spikeRobustZ() * MAD_SCALE * mad));
        if (count < threshold) {
            return List.of();
        }
        return List.of(new Finding(kind(), "spike", signal.getTenantId(), AnomalySeverity.MEDIUM, count, median,
                threshold, count + " " + signal.getErrorCode() + " rejections in the window, against a median of "
                + median + " in the preceding " + tally.history.size() + " windows"));
    }

    private static double median(List<Integer> values) {
        List<Double> doubles = new ArrayList<>();
        values.forEach(v -> doubles.add((double) v));
        return medianOf(doubles);
    }

    private static double medianOf(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
