package io.identityaudit.anomaly;

import io.identityaudit.avro.AnomalySignal;
import io.identityaudit.avro.SecurityAnomaly;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Runs the detectors on the signals, grouped by key after the repartition. For each detector and key, the store
 * {@link AnomalyTopology#WINDOWS_STORE} holds the current event-time window (tumbling, aligned to the epoch, by
 * the signal's event time, never the wall clock). A signal for an older window than the stored one is too late
 * and ignored; one for a newer window starts it. An event already counted in the window is not counted again,
 * and each (key, window, stage) is emitted once: re-delivered records and replays produce no duplicate, and the
 * same input gives the same anomalies and ids.
 */
final class AnomalyDetectors implements Processor<String, AnomalySignal, String, SecurityAnomaly> {

    /** How often, in stream time, state of keys that went quiet is dropped. */
    static final Duration EXPIRY_INTERVAL = Duration.ofMinutes(10);

    private final Map<String, Detector> detectors = new LinkedHashMap<>();
    private final Duration retention;
    private final AnomalyListener listener;
    private ProcessorContext<String, SecurityAnomaly> context;
    private KeyValueStore<String, byte[]> windows;

    AnomalyDetectors(List<Detector> detectors, Duration retention, AnomalyListener listener) {
        detectors.forEach(detector -> this.detectors.put(detector.name(), detector));
        this.retention = retention;
        this.listener = listener;
    }

    @Override
    public void init(ProcessorContext<String, SecurityAnomaly> context) {
        this.context = context;
        this.windows = context.getStateStore(AnomalyTopology.WINDOWS_STORE);
        context.schedule(EXPIRY_INTERVAL, PunctuationType.STREAM_TIME, this::expire);
    }

    @Override
    public void process(Record<String, AnomalySignal> record) {
        AnomalySignal signal = record.value();
        Detector detector = signal == null ? null : detectors.get(signal.getDetector());
        if (detector == null) {
            return;
        }
        String key = signal.getGroupKey();
        String stateKey = stateKey(detector, key);
        long windowMs = detector.window().toMillis();
        long windowStart = Math.floorDiv(signal.getOccurredAt().toEpochMilli(), windowMs) * windowMs;
        byte[] stored = windows.get(stateKey);
        Tally tally = stored == null ? new Tally(windowStart) : Tally.fromBytes(stored);
        if (windowStart < tally.windowStart) {
            return;
        }
        if (windowStart > tally.windowStart) {
            tally = detector.next(tally, windowStart);
        }
        if (!tally.firstSight(Anomalies.eventHash(signal.getEventId()))) {
            return;
        }
        if (signal.getErrorCode() != null || detector.countsAccepted()) {
            tally.sample(signal.getEventId());
        }
        List<SecurityAnomaly> anomalies = new ArrayList<>();
        for (Finding finding : detector.observe(signal, tally)) {
            if (tally.markEmitted(finding.stage())) {
                anomalies.add(Anomalies.build(finding, key, Instant.ofEpochMilli(windowStart),
                        Instant.ofEpochMilli(windowStart + windowMs), tally.samples, signal.getOccurredAt()));
            }
        }
        windows.put(stateKey, tally.toBytes());
        for (SecurityAnomaly anomaly : anomalies) {
            listener.onAnomaly(anomaly);
            context.forward(new Record<>(anomaly.getAnomalyId(), anomaly, anomaly.getDetectedAt().toEpochMilli(),
                    new RecordHeaders()));
        }
    }

    /**
     * Where a detector's window for a key is kept: one store for all detectors, so a commit writes its changelog to
     * one partition per task, not one per detector and task.
     */
    static String stateKey(Detector detector, String groupKey) {
        return detector.name() + '|' + groupKey;
    }

    /**
     * Drops the state of keys whose window ended longer than the retention ago, in stream time, and of detectors
     * that no longer exist.
     */
    private void expire(long streamTime) {
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> all = windows.all()) {
            while (all.hasNext()) {
                KeyValue<String, byte[]> entry = all.next();
                int separator = entry.key.indexOf('|');
                Detector detector = separator < 0 ? null : detectors.get(entry.key.substring(0, separator));
                if (detector == null || Tally.fromBytes(entry.value).windowStart
                        < streamTime - retention.toMillis() - detector.window().toMillis()) {
                    expired.add(entry.key);
                }
            }
        }
        expired.forEach(windows::delete);
    }
}
