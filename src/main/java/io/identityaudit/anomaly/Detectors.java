package io.identityaudit.anomaly;

import io.identityaudit.config.AnomalyThresholds;
import java.util.List;

/** The detectors that read the verdict stream, in the fixed order in which each verdict is shown to them. */
final class Detectors {

    private Detectors() {
    }

    static List<Detector> all(AnomalyThresholds thresholds) {
        return List.of(
                new TokenReplayDetector(thresholds),
                new ForgeryDetector(thresholds),
                new RejectionSpikeDetector(thresholds),
                new SubjectAttackDetector(thresholds),
                new ClientManyIdentitiesDetector(thresholds),
                new CrossTenantDetector(thresholds),
                new ClockDriftDetector(thresholds),
                new EventTimeLagDetector(thresholds),
                new JwksOutageDetector(thresholds));
    }
}
