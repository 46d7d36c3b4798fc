package io.identityaudit.anomaly;

import io.identityaudit.avro.AnomalyKind;
import io.identityaudit.avro.AnomalySeverity;

/**
 * What a detector found for one key in one window, before it becomes a {@code SecurityAnomaly}.
 *
 * @param stage    distinguishes the anomalies one key may raise in one window (e.g. a first forgery attempt and
 *                 a burst); each stage is emitted at most once per key and window
 * @param baseline null when the detector has none
 */
record Finding(AnomalyKind kind, String stage, String tenantId, AnomalySeverity severity, double observed,
               Double baseline, double threshold, String detail) {

    static AnomalySeverity raise(AnomalySeverity severity) {
        AnomalySeverity[] all = AnomalySeverity.values();
        return all[Math.min(severity.ordinal() + 1, all.length - 1)];
    }
}
