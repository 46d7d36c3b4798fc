package io.identityaudit.topology;

import io.identityaudit.anomaly.AnomalyListener;
import io.identityaudit.anomaly.AnomalyTopology;
import io.identityaudit.avro.TenantSsoConfig;
import io.identityaudit.config.PipelineSettings;
import io.identityaudit.config.Topics;
import io.identityaudit.serde.Contracts;
import io.identityaudit.token.OktaIdTokenValidator;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.VersionedKeyValueStore;

/**
 * The identity-audit topology: session events in, exactly one verified identity or one rejection out per event.
 *
 * <pre>
 * tenant.sso-configs ──► tenant-configs-source ──► [tenant-sso-configs: global, versioned]
 *                                                          │ as of occurredAt
 * widget.session-events ──► verify-token ────┐
 *                                            ├─► route-verified ──► verified-identity ──► identity.verified
 * identity.retry ──► retry-scheduler ───────┤   route-rejected ──► identity-rejection ──► identity.rejected
 *    ▲               [jwks-retries]          └─► route-retry ─────► jwks-retry ─────────┐
 *    └──────────────────────────────────────────────────────────────────────────────────┘
 *   all-verdicts ──► anomaly detectors (io.identityaudit.anomaly.AnomalyTopology) ──► identity.anomalies
 * </pre>
 *
 * An event whose org's key set could not be read waits on the retry topic and is judged again after a backoff,
 * so it still ends in exactly one verified identity or rejection. Tenant configs are a global store, so events are judged on the partition they arrive on: no repartition, and
 * the configuration history travels with every instance. Every processor, store and sink is named, so the
 * topology's description is a contract that a test pins.
 */
public final class IdentityAuditTopology {

    public static final String TENANT_CONFIG_STORE = "tenant-sso-configs";
    public static final String RETRY_STORE = "jwks-retries";

    private IdentityAuditTopology() {
    }

    public static Topology build(PipelineSettings settings, OktaIdTokenValidator validator,
                                 TenantConfigListener configListener, VerdictListener verdictListener) {
        return build(settings, validator, configListener, verdictListener, AnomalyListener.NONE);
    }

    public static Topology build(PipelineSettings settings, OktaIdTokenValidator validator,
                                 TenantConfigListener configListener, VerdictListener verdictListener,
                                 AnomalyListener anomalyListener) {
        StreamsBuilder builder = new StreamsBuilder();
        addTo(builder, settings, validator, configListener, verdictListener, anomalyListener);
        return builder.build();
    }

    public static void addTo(StreamsBuilder builder, PipelineSettings settings, OktaIdTokenValidator validator,
                             TenantConfigListener configListener, VerdictListener verdictListener) {
        addTo(builder, settings, validator, configListener, verdictListener, AnomalyListener.NONE);
    }

    public static void addTo(StreamsBuilder builder, PipelineSettings settings, OktaIdTokenValidator validator,
                             TenantConfigListener configListener, VerdictListener verdictListener,
                             AnomalyListener anomalyListener) {
        Topics topics = settings.topics();
        TenantConfigChanges tenantChanges = new TenantConfigChanges();

        StoreBuilder<VersionedKeyValueStore<String, TenantSsoConfig>> tenantStore =
                Stores.versionedKeyValueStoreBuilder(
                                Stores.persistentVersionedKeyValueStore(TENANT_CONFIG_STORE,
                                        settings.tenantConfigHistory()),
                                Contracts.keySerde(), Contracts.serde(Contracts.TENANT_CONFIG))
                        // A global store is restored from its source topic, which is compacted already.
                        .withLoggingDisabled();
        builder.addGlobalStore(tenantStore, topics.tenantConfigs(),
                Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("tenant-configs-source"),
                () -> new TenantConfigLoader(TENANT_CONFIG_STORE, configListener, tenantChanges));

        // Values are read as bytes so that an undecodable event becomes a MALFORMED_EVENT rejection in the
        // topology instead of an exception handler's decision.
        KStream<String, Verdict> firstTries = builder
                .stream(topics.sessionEvents(),
                        Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("session-events-source"))
                .process(() -> new SessionEventVerifier(TENANT_CONFIG_STORE, tenantChanges, settings.domainPolicy(), validator,
                        settings.retryPolicy(), verdictListener), Named.as("verify-token"));

        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RETRY_STORE),
                Serdes.String(), Serdes.ByteArray()));
        KStream<String, Verdict> retries = builder
                .stream(topics.retries(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("retry-source"))
                .process(() -> new RetryScheduler(TENANT_CONFIG_STORE, tenantChanges, RETRY_STORE, settings.domainPolicy(),
                        validator, settings.retryPolicy(), verdictListener), Named.as("retry-scheduler"), RETRY_STORE);

        KStream<String, Verdict> allVerdicts = firstTries.merge(retries, Named.as("all-verdicts"));
        AnomalyTopology.addTo(builder, allVerdicts, settings, TENANT_CONFIG_STORE, tenantChanges, anomalyListener);
        allVerdicts
                .split(Named.as("route-"))
                .branch((sessionId, verdict) -> verdict instanceof Verdict.Verified,
                        Branched.withConsumer(verified -> verified
                                .mapValues(verdict -> ((Verdict.Verified) verdict).identity(),
                                        Named.as("verified-identity"))
                                .to(topics.verified(), Produced.with(Contracts.keySerde(),
                                        Contracts.serde(Contracts.VERIFIED)).withName("verified-sink")),
                                "verified"))
                .branch((sessionId, verdict) -> verdict instanceof Verdict.Retry,
                        Branched.withConsumer(retry -> retry
                                .mapValues(verdict -> Contracts.JWKS_RETRY.encode(((Verdict.Retry) verdict).retry()),
                                        Named.as("jwks-retry"))
                                .to(topics.retries(), Produced.with(Contracts.keySerde(), Serdes.ByteArray())
                                        .withName("retry-sink")),
                                "retry"))
                .defaultBranch(Branched.withConsumer(rejected -> rejected
                                .mapValues(verdict -> ((Verdict.Rejected) verdict).rejection(),
                                        Named.as("identity-rejection"))
                                .to(topics.rejected(), Produced.with(Contracts.keySerde(),
                                        Contracts.serde(Contracts.REJECTION)).withName("rejected-sink")),
                        "rejected"));
    }
}
