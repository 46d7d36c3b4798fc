package io.identityaudit.anomaly;

import io.identityaudit.config.PipelineSettings;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The tenant config audit: every record on the tenant config topic becomes an audit record on the config-changes
 * topic, and a domain or client ID change also an anomaly.
 *
 * <pre>
 * tenant.sso-configs ──► config-audit-source ──► config-audit ──► config-change-sink ──► identity.config-changes
 *                                                [tenant-config-audit]  └► config-anomaly-sink ──► identity.anomalies
 * </pre>
 *
 * It is its own topology, run by its own Streams application ({@code <application.id>-config-audit}): the main
 * topology reads the tenant config topic into a global store, and Kafka Streams lets a topic feed only one source
 * of a topology.
 */
public final class ConfigAuditTopology {

    public static final String STORE = "tenant-config-audit";
    public static final String APPLICATION_ID_SUFFIX = "-config-audit";
    static final String CHANGE_SINK = "config-change-sink";
    static final String ANOMALY_SINK = "config-anomaly-sink";

    private ConfigAuditTopology() {
    }

    public static Topology build(PipelineSettings settings, AnomalyListener listener) {
        Topology topology = new Topology();
        topology.addSource("config-audit-source", new StringDeserializer(), new ByteArrayDeserializer(),
                settings.topics().tenantConfigs());
        topology.addProcessor("config-audit",
                () -> new ConfigChangeAuditor(STORE, settings.domainPolicy(), listener), "config-audit-source");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE),
                org.apache.kafka.common.serialization.Serdes.String(),
                org.apache.kafka.common.serialization.Serdes.ByteArray()), "config-audit");
        topology.addSink(CHANGE_SINK, settings.topics().configChanges(), new StringSerializer(),
                new ByteArraySerializer(), "config-audit");
        topology.addSink(ANOMALY_SINK, settings.topics().anomalies(), new StringSerializer(),
                new ByteArraySerializer(), "config-audit");
        return topology;
    }
}
