package io.identityaudit.testing;

import io.identityaudit.anomaly.AnomalyListener;
import io.identityaudit.avro.IdentityRejection;
import io.identityaudit.avro.SecurityAnomaly;
import io.identityaudit.avro.TenantSsoConfig;
import io.identityaudit.avro.VerifiedIdentity;
import io.identityaudit.avro.WidgetSessionEvent;
import io.identityaudit.config.PipelineSettings;
import io.identityaudit.jwks.OrgJwksRegistry;
import io.identityaudit.jwks.SigningKeys;
import io.identityaudit.metrics.PipelineMetrics;
import io.identityaudit.demo.LoopbackTls;
import io.identityaudit.serde.Contracts;
import io.identityaudit.token.OktaIdTokenValidator;
import io.identityaudit.topology.IdentityAuditTopology;
import io.identityaudit.topology.TenantConfigListener;
import io.identityaudit.topology.VerdictListener;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The real topology in a {@link TopologyTestDriver}, wired to a real JWKS registry that trusts the loopback orgs'
 * certificate. Topics carry real single-object-encoded bytes, as producers in any language would write them.
 */
public final class PipelineFixture implements AutoCloseable {

    public final PipelineSettings settings;
    public final OrgJwksRegistry jwks;
    public final TopologyTestDriver driver;
    public final TestInputTopic<String, byte[]> events;
    public final TestInputTopic<String, byte[]> configs;
    public final TestOutputTopic<String, VerifiedIdentity> verified;
    public final TestOutputTopic<String, IdentityRejection> rejected;
    public final TestOutputTopic<String, SecurityAnomaly> anomalies;

    public PipelineFixture(PipelineSettings settings, LoopbackTls tls, Path stateDir) {
        this(settings, tls, stateDir, VerdictListener.NONE);
    }

    public PipelineFixture(PipelineSettings settings, LoopbackTls tls, Path stateDir, VerdictListener listener) {
        this(settings, new OrgJwksRegistry(settings.jwks(), tls.clientContext().getSocketFactory(),
                Clock.systemUTC()), stateDir, TenantConfigListener.NONE, listener);
    }

    /** Observed by the pipeline's metrics, as in production: verdicts, tenant configs and JWKS requests. */
    public PipelineFixture(PipelineSettings settings, LoopbackTls tls, Path stateDir, PipelineMetrics metrics) {
        this(settings, new OrgJwksRegistry(settings.jwks(), tls.clientContext().getSocketFactory(),
                Clock.systemUTC(), metrics), stateDir, metrics, metrics);
    }

    /** With any source of signing keys, e.g. one that fails in a way the registry never would. */
    public PipelineFixture(PipelineSettings settings, SigningKeys keys, Path stateDir, VerdictListener listener) {
        this(settings, keys, stateDir, TenantConfigListener.NONE, listener);
    }

    private PipelineFixture(PipelineSettings settings, SigningKeys keys, Path stateDir,
                            TenantConfigListener configListener, VerdictListener listener) {
        this.settings = settings;
        this.jwks = keys instanceof OrgJwksRegistry registry ? registry : null;
        OktaIdTokenValidator validator = new OktaIdTokenValidator(settings.tokenRules(), keys);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "identity-audit-test-" + UUID.randomUUID());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        this.driver = new TopologyTestDriver(
                IdentityAuditTopology.build(settings, validator, configListener, listener,
                        listener instanceof AnomalyListener anomalyListener ? anomalyListener : AnomalyListener.NONE),
                props);
        this.events = driver.createInputTopic(settings.topics().sessionEvents(),
                new StringSerializer(), new ByteArraySerializer());
        this.configs = driver.createInputTopic(settings.topics().tenantConfigs(),
                new StringSerializer(), new ByteArraySerializer());
        this.verified = driver.createOutputTopic(settings.topics().verified(),
                Contracts.keySerde().deserializer(), Contracts.serde(Contracts.VERIFIED).deserializer());
        this.rejected = driver.createOutputTopic(settings.topics().rejected(),
                Contracts.keySerde().deserializer(), Contracts.serde(Contracts.REJECTION).deserializer());
        this.anomalies = driver.createOutputTopic(settings.topics().anomalies(),
                Contracts.keySerde().deserializer(), Contracts.serde(Contracts.ANOMALY).deserializer());
    }

    public void saveTenant(TenantSsoConfig config) {
        configs.pipeInput(config.getTenantId(), Contracts.TENANT_CONFIG.encode(config), config.getUpdatedAt());
    }

    public void deleteTenant(String tenantId, Instant at) {
        configs.pipeInput(tenantId, null, at);
    }

    /** Pipes the event with its occurredAt as the record timestamp, as a session service would produce it. */
    public void send(WidgetSessionEvent event) {
        events.pipeInput(event.getSessionId(), Contracts.SESSION_EVENT.encode(event), event.getOccurredAt());
    }

    public List<TestRecord<String, VerifiedIdentity>> verifiedRecords() {
        return verified.readRecordsToList();
    }

    public List<TestRecord<String, IdentityRejection>> rejectedRecords() {
        return rejected.readRecordsToList();
    }

    @Override
    public void close() {
        driver.close();
        if (jwks != null) {
            jwks.close();
        }
    }
}
