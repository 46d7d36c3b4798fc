package io.identityaudit.anomaly;

import io.identityaudit.config.PipelineSettings;
import io.identityaudit.serde.Contracts;
import io.identityaudit.topology.TenantConfigChanges;
import io.identityaudit.topology.Verdict;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The anomaly detectors' part of the topology, fed by the stream of all verdicts before it is split:
 *
 * <pre>
 * all-verdicts ──► anomaly-signals ──► [repartition by detector|key] ──► detect-anomalies ──► identity.anomalies
 *                  [anomaly-learnt]                                       [anomaly-windows]
 * </pre>
 *
 * Only the small signals are repartitioned, never the events. Every store is changelogged and cached, so a
 * window's state is written once per commit however many signals it took.
 */
public final class AnomalyTopology {

    public static final String SIGNALS_TOPIC = "anomaly-signals";
    /**
     * Every detector's windows, keyed {@code detector|groupKey}. One store rather than one per detector: each
     * commit's changelog writes, transaction partitions and markers grow with the stores a task has, and with nine
     * the broker spent a quarter more CPU per event (docs/performance.md).
     */
    public static final String WINDOWS_STORE = "anomaly-windows";

    private AnomalyTopology() {
    }

    public static void addTo(StreamsBuilder builder, KStream<String, Verdict> verdicts, PipelineSettings settings,
                             String tenantStoreName, TenantConfigChanges tenantChanges,
                             AnomalyListener listener) {
        List<Detector> detectors = Detectors.all(settings.anomalies());
        // Cached: a key updated many times between two commits is written to RocksDB and its changelog once.
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SignalExtractor.LEARNT_STORE),
                Serdes.String(), Serdes.Long()).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(WINDOWS_STORE),
                Serdes.String(), Serdes.ByteArray()).withCachingEnabled());
        verdicts
                .process(() -> new SignalExtractor(tenantStoreName, tenantChanges, settings.domainPolicy(),
                                settings.topics().retries(), detectors, settings.anomalies().retention()),
                        Named.as("anomaly-signals"), SignalExtractor.LEARNT_STORE)
                .repartition(Repartitioned.with(Serdes.String(), Contracts.serde(Contracts.ANOMALY_SIGNAL))
                        .withName(SIGNALS_TOPIC))
                .process(() -> new AnomalyDetectors(detectors, settings.anomalies().retention(), listener),
                        Named.as("detect-anomalies"), WINDOWS_STORE)
                .to(settings.topics().anomalies(), Produced.with(Contracts.keySerde(),
                        Contracts.serde(Contracts.ANOMALY)).withName("anomaly-sink"));
    }
}
