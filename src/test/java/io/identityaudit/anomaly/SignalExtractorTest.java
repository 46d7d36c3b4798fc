package io.identityaudit.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import io.identityaudit.avro.AnomalySignal;
import io.identityaudit.avro.TenantSsoConfig;
import io.identityaudit.avro.VerifiedIdentity;
import io.identityaudit.config.AnomalyThresholds;
import io.identityaudit.config.DomainPolicy;
import io.identityaudit.config.Topics;
import io.identityaudit.serde.Contracts;
import io.identityaudit.testing.Events;
import io.identityaudit.topology.IdentityAuditTopology;
import io.identityaudit.topology.TenantConfigChanges;
import io.identityaudit.topology.Verdict;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.VersionedKeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the signal extractor remembers between verdicts, and what it must forget when its task starts over. */
class SignalExtractorTest {

    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    @TempDir
    Path stateDir;

    private final List<Detector> detectors = Detectors.all(AnomalyThresholds.DEFAULTS);
    private final SignalExtractor extractor = new SignalExtractor(IdentityAuditTopology.TENANT_CONFIG_STORE,
            new TenantConfigChanges(), DomainPolicy.OKTA_ONLY, Topics.DEFAULTS.retries(), detectors,
            AnomalyThresholds.DEFAULTS.retention());
    private final List<StateStore> opened = new ArrayList<>();

    @AfterEach
    void closeStores() {
        opened.forEach(StateStore::close);
    }

    @Test
    void aRepeatIsNotSentAgainWhileTheTaskLives() {
        MockProcessorContext<String, AnomalySignal> context = freshTask("life-1");
        extractor.process(verified("evt-1"));
        int first = context.forwarded().size();
        context.resetForwards();

        extractor.process(verified("evt-2"));

        assertThat(first).as("signals of a token's first acceptance").isPositive();
        assertThat(context.forwarded()).as("the same token again, same session, IP and user agent").isEmpty();
    }

    /**
     * Exactly-once: a task whose transaction was aborted is revived with its stores restored to the last commit,
     * and its processors are initialised again. Signals sent in the aborted transaction were never written, so the
     * same verdicts, processed again, must send them again.
     */
    @Test
    void aTaskInitialisedAgainSendsAgainWhatItRememberedHavingSent() {
        freshTask("life-1");
        extractor.process(verified("evt-1"));

        MockProcessorContext<String, AnomalySignal> revived = freshTask("life-2");
        extractor.process(verified("evt-1"));

        assertThat(revived.forwarded()).extracting(f -> f.record().value().getDetector())
                .contains("token-replay", "subject-attack", "forgery", "cross-tenant");
    }

    /** A context with empty stores, as after state was wiped and restored to nothing, and the extractor init'ed. */
    private MockProcessorContext<String, AnomalySignal> freshTask(String life) {
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "signal-extractor-test");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        MockProcessorContext<String, AnomalySignal> context =
                new MockProcessorContext<>(config, new TaskId(0, 0), stateDir.resolve(life).toFile());
        context.setCurrentStreamTimeMs(T0.toEpochMilli());

        VersionedKeyValueStore<String, TenantSsoConfig> tenants = Stores.versionedKeyValueStoreBuilder(
                        Stores.persistentVersionedKeyValueStore(IdentityAuditTopology.TENANT_CONFIG_STORE,
                                Duration.ofDays(30)),
                        Contracts.keySerde(), Contracts.serde(Contracts.TENANT_CONFIG))
                .withLoggingDisabled().build();
        tenants.init(context.getStateStoreContext(), tenants);
        context.addStateStore(tenants);
        opened.add(tenants);
        tenants.put("acme", Events.tenant("acme", "0oa1b2c3d4e5f6g7h8i9", "acme.okta.com", T0.minusSeconds(3600))
                .build(), T0.minusSeconds(3600).toEpochMilli());

        KeyValueStore<String, Long> learnt = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(SignalExtractor.LEARNT_STORE), Serdes.String(), Serdes.Long())
                .withLoggingDisabled().build();
        learnt.init(context.getStateStoreContext(), learnt);
        context.addStateStore(learnt);
        opened.add(learnt);

        extractor.init(context);
        return context;
    }

    private static Record<String, Verdict> verified(String eventId) {
        VerifiedIdentity identity = Events.verifiedIdentity(T0).setEventId(eventId).build();
        Verdict verdict = new Verdict.Verified(identity);
        return new Record<>(identity.getSessionId(), verdict, T0.toEpochMilli());
    }
}
