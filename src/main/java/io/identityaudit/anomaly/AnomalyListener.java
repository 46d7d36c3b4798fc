package io.identityaudit.anomaly;

import io.identityaudit.avro.SecurityAnomaly;

/** Hears every anomaly as it is emitted; the metrics subscribe here. Must be thread-safe and quick. */
@FunctionalInterface
public interface AnomalyListener {

    AnomalyListener NONE = anomaly -> {
    };

    void onAnomaly(SecurityAnomaly anomaly);
}
