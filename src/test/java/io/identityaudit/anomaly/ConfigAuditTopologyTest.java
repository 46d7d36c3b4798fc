package io.identityaudit.anomaly;

import static io.identityaudit.testing.Events.tenant;
import static org.assertj.core.api.Assertions.assertThat;

import io.identityaudit.avro.AnomalyKind;
import io.identityaudit.avro.AnomalySeverity;
import io.identityaudit.avro.ConfigChangeType;
import io.identityaudit.avro.SecurityAnomaly;
import io.identityaudit.avro.TenantConfigChange;
import io.identityaudit.avro.TenantSsoConfig;
import io.identityaudit.config.PipelineSettings;
import io.identityaudit.serde.Contracts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tenant config audit: every change to a tenant's SSO configuration is one audit record with before, after
 * and when; a domain or client ID change is also a LOW anomaly; the same record delivered again writes nothing;
 * a replay writes the same records.
 */
class ConfigAuditTopologyTest {

    static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
    static final String CLIENT_ID = "0oa1b2c3d4e5f6g7h8i9";

    @TempDir
    Path stateDir;
    Audit audit;
    final List<Object[]> sent = new ArrayList<>();

    /** The config audit topology in a driver, with its input and both outputs. */
    static final class Audit implements AutoCloseable {
        final TopologyTestDriver driver;
        final TestInputTopic<String, byte[]> configs;
        final TestOutputTopic<String, TenantConfigChange> changes;
        final TestOutputTopic<String, SecurityAnomaly> anomalies;

        Audit(Path stateDir) {
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "config-audit-test-" + UUID.randomUUID());
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
            props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
            PipelineSettings settings = PipelineSettings.DEFAULTS;
            driver = new TopologyTestDriver(ConfigAuditTopology.build(settings, AnomalyListener.NONE), props);
            configs = driver.createInputTopic(settings.topics().tenantConfigs(), new StringSerializer(),
                    new ByteArraySerializer());
            changes = driver.createOutputTopic(settings.topics().configChanges(), Contracts.keySerde().deserializer(),
                    Contracts.serde(Contracts.CONFIG_CHANGE).deserializer());
            anomalies = driver.createOutputTopic(settings.topics().anomalies(), Contracts.keySerde().deserializer(),
                    Contracts.serde(Contracts.ANOMALY).deserializer());
        }

        @Override
        public void close() {
            driver.close();
        }
    }

    @BeforeEach
    void start() {
        audit = new Audit(stateDir.resolve("main"));
    }

    @AfterEach
    void stop() {
        audit.close();
    }

    void pipe(String key, byte[] value, Instant at) {
        sent.add(new Object[] {key, value, at});
        audit.configs.pipeInput(key, value, at);
    }

    void save(TenantSsoConfig config) {
        pipe(config.getTenantId(), Contracts.TENANT_CONFIG.encode(config), config.getUpdatedAt());
    }

    TenantSsoConfig acme(Instant at) {
        return tenant("acme", CLIENT_ID, "acme.okta.com", at).build();
    }

    TenantConfigChange onlyChange() {
        List<TenantConfigChange> changes = audit.changes.readValuesToList();
        assertThat(changes).hasSize(1);
        return changes.get(0);
    }

    @Test
    void firstConfigOfATenantIsCreated() {
        save(acme(T0));

        TenantConfigChange change = onlyChange();

        assertThat(change.getTenantId()).isEqualTo("acme");
        assertThat(change.getChanges()).containsExactly(ConfigChangeType.CREATED);
        assertThat(change.getBefore()).isNull();
        assertThat(change.getAfter().getDomain()).isEqualTo("acme.okta.com");
        assertThat(change.getChangedAt()).isEqualTo(T0);
        assertThat(change.getChangedBy()).isEqualTo("admin@example.com");
        assertThat(audit.anomalies.isEmpty()).as("creating a tenant is no anomaly").isTrue();
    }

    @Test
    void clientIdChangeIsAuditedWithBeforeAndAfterAndIsALowAnomaly() {
        save(acme(T0));
        audit.changes.readValuesToList();
        save(tenant("acme", "0oaNEWCLIENT000000001", "acme.okta.com", T0.plusSeconds(60))
                .setUpdatedBy("mallory@example.com").build());

        TenantConfigChange change = onlyChange();
        List<SecurityAnomaly> anomalies = audit.anomalies.readValuesToList();

        assertThat(change.getChanges()).containsExactly(ConfigChangeType.CLIENT_ID_CHANGED);
        assertThat(change.getBefore().getClientId()).isEqualTo(CLIENT_ID);
        assertThat(change.getAfter().getClientId()).isEqualTo("0oaNEWCLIENT000000001");
        assertThat(change.getChangedAt()).isEqualTo(T0.plusSeconds(60));
        assertThat(anomalies).singleElement().satisfies(a -> {
            assertThat(a.getKind()).isEqualTo(AnomalyKind.TENANT_CONFIG_CHANGE);
            assertThat(a.getSeverity()).isEqualTo(AnomalySeverity.LOW);
            assertThat(a.getTenantId()).isEqualTo("acme");
            assertThat(a.getDetail()).contains("client ID").contains("mallory@example.com");
            assertThat(a.getDetectedAt()).isEqualTo(T0.plusSeconds(60));
        });
        assertRedeliveryAndReplayAreStable(List.of(change), anomalies);
    }

    @Test
    void domainChangeIsAuditedAndIsALowAnomaly() {
        save(acme(T0));
        save(tenant("acme", CLIENT_ID, "acme-new.okta.com", T0.plusSeconds(60)).build());

        List<TenantConfigChange> changes = audit.changes.readValuesToList();
        List<SecurityAnomaly> anomalies = audit.anomalies.readValuesToList();

        assertThat(changes).extracting(TenantConfigChange::getChanges)
                .containsExactly(List.of(ConfigChangeType.CREATED), List.of(ConfigChangeType.DOMAIN_CHANGED));
        assertThat(changes.get(1).getBefore().getDomain()).isEqualTo("acme.okta.com");
        assertThat(changes.get(1).getAfter().getDomain()).isEqualTo("acme-new.okta.com");
        assertThat(anomalies).singleElement().satisfies(a -> {
            assertThat(a.getSeverity()).isEqualTo(AnomalySeverity.LOW);
            assertThat(a.getDetail()).contains("domain 'acme.okta.com' -> 'acme-new.okta.com'");
        });
        assertRedeliveryAndReplayAreStable(changes, anomalies);
    }

    @Test
    void disablingSsoIsAuditedAndIsNoAnomaly() {
        save(acme(T0));
        audit.changes.readValuesToList();
        save(tenant("acme", CLIENT_ID, "acme.okta.com", T0.plusSeconds(60)).setEnabled(false).build());

        assertThat(onlyChange().getChanges()).containsExactly(ConfigChangeType.DISABLED);
        assertThat(audit.anomalies.isEmpty()).isTrue();
    }

    @Test
    void tombstoneIsDeletedWithTheLastConfigAsBefore() {
        save(acme(T0));
        audit.changes.readValuesToList();
        pipe("acme", null, T0.plus(Duration.ofHours(1)));

        TenantConfigChange change = onlyChange();

        assertThat(change.getChanges()).containsExactly(ConfigChangeType.DELETED);
        assertThat(change.getBefore().getClientId()).isEqualTo(CLIENT_ID);
        assertThat(change.getAfter()).isNull();
        assertThat(change.getChangedAt()).isEqualTo(T0.plus(Duration.ofHours(1)));
    }

    @Test
    void unusableConfigIsInvalidWithItsReason() {
        save(acme(T0));
        audit.changes.readValuesToList();
        save(tenant("acme", CLIENT_ID, "https://acme.okta.com", T0.plusSeconds(60)).build());

        TenantConfigChange change = onlyChange();

        assertThat(change.getChanges()).containsExactly(ConfigChangeType.DOMAIN_CHANGED, ConfigChangeType.INVALID);
        assertThat(change.getInvalidReason()).contains("scheme");
    }

    @Test
    void unreadableRecordIsInvalidAndKeepsTheLastConfig() {
        save(acme(T0));
        audit.changes.readValuesToList();
        pipe("acme", "{\"domain\":\"evil\"}".getBytes(StandardCharsets.UTF_8), T0.plusSeconds(60));
        save(acme(T0.plusSeconds(120)));

        List<TenantConfigChange> changes = audit.changes.readValuesToList();

        assertThat(changes).extracting(TenantConfigChange::getChanges)
                .containsExactly(List.of(ConfigChangeType.INVALID), List.of(ConfigChangeType.UNCHANGED));
        assertThat(changes.get(0).getInvalidReason()).contains("could not be read");
        assertThat(changes.get(0).getBefore().getDomain()).isEqualTo("acme.okta.com");
    }

    void assertRedeliveryAndReplayAreStable(List<TenantConfigChange> changes, List<SecurityAnomaly> anomalies) {
        List<Object[]> all = List.copyOf(sent);
        all.forEach(r -> audit.configs.pipeInput((String) r[0], (byte[]) r[1], (Instant) r[2]));
        assertThat(audit.changes.isEmpty()).as("changes after re-delivery").isTrue();
        assertThat(audit.anomalies.isEmpty()).as("anomalies after re-delivery").isTrue();

        try (Audit fresh = new Audit(stateDir.resolve("replay"))) {
            all.forEach(r -> fresh.configs.pipeInput((String) r[0], (byte[]) r[1], (Instant) r[2]));
            List<TenantConfigChange> replayed = fresh.changes.readValuesToList();
            assertThat(replayed.subList(replayed.size() - changes.size(), replayed.size())).isEqualTo(changes);
            assertThat(fresh.anomalies.readValuesToList()).isEqualTo(anomalies);
        }
    }
}
