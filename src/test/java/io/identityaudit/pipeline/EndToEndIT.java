package io.identityaudit.pipeline;

import static io.identityaudit.pipeline.CommittedOutputs.VERIFIED;
import static io.identityaudit.pipeline.CommittedOutputs.assertEachExactlyOnce;
import static io.identityaudit.pipeline.CommittedOutputs.inputKey;
import static io.identityaudit.testing.Events.event;
import static io.identityaudit.testing.Events.tenant;
import static org.assertj.core.api.Assertions.assertThat;

import io.identityaudit.avro.WidgetSessionEvent;
import io.identityaudit.config.DomainPolicy;
import io.identityaudit.config.PipelineSettings;
import io.identityaudit.config.Topics;
import io.identityaudit.demo.IdTokenMinter;
import io.identityaudit.demo.LoopbackTls;
import io.identityaudit.demo.SimulatedOktaOrg;
import io.identityaudit.embedded.EmbeddedKafkaBroker;
import io.identityaudit.pipeline.CommittedOutputs.Output;
import io.identityaudit.testing.KafkaBrokerExtension;
import io.identityaudit.topology.TenantConfigListener;
import io.identityaudit.topology.VerdictListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline on a real broker, as deployed: exactly-once Streams with two stream threads over four partitions,
 * events in Avro single-object encoding, tenant configs on their compacted topic, keys fetched over HTTPS from
 * loopback Okta orgs, and the outputs read back with {@code read_committed}.
 */
@ExtendWith(KafkaBrokerExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EndToEndIT {

    private static final String APPLICATION_ID = "end-to-end-it";
    private static final Topics TOPICS = new Topics("end-to-end-it.session-events", "end-to-end-it.tenant-configs",
            "end-to-end-it.verified", "end-to-end-it.rejected", "end-to-end-it.retry");
    private static final String ACME_CLIENT = "0oa1b2c3d4e5f6g7h8i9";
    private static final String GLOBEX_CLIENT = "0oaGLOBEX0000000001";
    private static final int EVENTS = 320;
    private static final int UNREADABLE_EVENTS = 6;
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    private static LoopbackTls tls;
    private static SimulatedOktaOrg acmeOrg;
    private static SimulatedOktaOrg globexOrg;
    private static SimulatedOktaOrg strangerOrg;

    @TempDir
    Path stateDir;

    @BeforeAll
    static void startOrgs() {
        tls = LoopbackTls.create();
        acmeOrg = SimulatedOktaOrg.start(tls);
        globexOrg = SimulatedOktaOrg.start(tls);
        strangerOrg = SimulatedOktaOrg.start(tls);
    }

    @AfterAll
    static void stopOrgs() {
        acmeOrg.close();
        globexOrg.close();
        strangerOrg.close();
    }

    /** One kind of event and the verdict the pipeline must give it. */
    private record Kind(String tenantId, String token, String verdict) {
    }

    @Test
    void everyEventYieldsExactlyOneCommittedVerdictKeyedBySession(EmbeddedKafkaBroker broker) throws Exception {
        PipelineSettings settings = PipelineSettings.DEFAULTS.withTopics(TOPICS)
                .withDomainPolicy(DomainPolicy.allowing(acmeOrg.domain(), globexOrg.domain()));
        TestTopics.create(broker.bootstrapServers(),
                new TopicLayout(TOPICS, 4, Optional.of((short) 1)).newTopics());

        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Instant configuredAt = t0.minus(Duration.ofHours(1));
        Instant issuedAt = t0.minusSeconds(60);
        List<Kind> kinds = kinds(issuedAt);

        StreamsRuntime runtime = new StreamsRuntime(APPLICATION_ID, broker.bootstrapServers(), stateDir, 2, Map.of());
        assertThat(runtime.streamsProperties())
                .as("exactly-once is the default, not something this test asks for")
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);

        Map<String, String> expectedVerdicts = new LinkedHashMap<>();
        Map<String, String> expectedKeys = new LinkedHashMap<>();
        Map<String, RecordMetadata> written = new LinkedHashMap<>();
        try (InputProducer producer = new InputProducer(broker.bootstrapServers())) {
            producer.saveTenant(TOPICS.tenantConfigs(), tenant("acme", ACME_CLIENT, acmeOrg.domain(), configuredAt)
                    .build());
            producer.saveTenant(TOPICS.tenantConfigs(),
                    tenant("globex", GLOBEX_CLIENT, globexOrg.domain(), configuredAt).build());
            producer.saveTenant(TOPICS.tenantConfigs(), tenant("sleepy", ACME_CLIENT, acmeOrg.domain(), configuredAt)
                    .setEnabled(false).build());
            producer.saveTenant(TOPICS.tenantConfigs(),
                    tenant("typo", ACME_CLIENT, "https://" + acmeOrg.domain(), configuredAt).build());

            try (IdentityAuditPipeline pipeline = IdentityAuditPipeline.start(settings, runtime,
                    acmeOrg.trustingSocketFactory(), TenantConfigListener.NONE, VerdictListener.NONE);
                 CommittedOutputs outputs = new CommittedOutputs(broker.bootstrapServers(), TOPICS)) {
                assertThat(pipeline.awaitRunning(TIMEOUT)).as("pipeline running").isTrue();

                List<WidgetSessionEvent> events = new ArrayList<>();
                for (int i = 0; i < EVENTS; i++) {
                    Kind kind = kinds.get(i % kinds.size());
                    WidgetSessionEvent event = event(kind.tenantId(), kind.token(), t0.plusMillis(i)).build();
                    events.add(event);
                    expectedVerdicts.put(event.getEventId(), kind.verdict());
                    expectedKeys.put(event.getEventId(), event.getSessionId());
                }
                List<RecordMetadata> metadata = producer.sendAll(TOPICS.sessionEvents(), events);
                for (int i = 0; i < events.size(); i++) {
                    written.put(events.get(i).getEventId(), metadata.get(i));
                }
                for (int i = 0; i < UNREADABLE_EVENTS; i++) {
                    String key = "unreadable-" + i;
                    written.put(inputKey(key), producer.sendRaw(TOPICS.sessionEvents(), key,
                            ("{\"idToken\":\"not avro " + i + "\"}").getBytes(StandardCharsets.UTF_8), t0));
                    expectedVerdicts.put(inputKey(key), "MALFORMED_EVENT");
                    expectedKeys.put(inputKey(key), key);
                }

                List<Output> all = outputs.awaitAll(expectedVerdicts.keySet(), TIMEOUT);

                assertEachExactlyOnce(expectedVerdicts.keySet(), all);
                assertThat(pipeline.state()).as("still running after every kind of input")
                        .isEqualTo(KafkaStreams.State.RUNNING);

                List<String> wrong = new ArrayList<>();
                for (Output output : all) {
                    String input = output.input();
                    RecordMetadata in = written.get(input);
                    if (!output.verdict().equals(expectedVerdicts.get(input))) {
                        wrong.add(input + ": " + output.verdict() + " instead of " + expectedVerdicts.get(input)
                                + " (" + output.detail() + ")");
                    }
                    if (!output.key().equals(expectedKeys.get(input))) {
                        wrong.add(input + ": key " + output.key() + " instead of " + expectedKeys.get(input));
                    }
                    if (!output.topic().equals(output.verified() ? TOPICS.verified() : TOPICS.rejected())) {
                        wrong.add(input + ": " + output.verdict() + " on " + output.topic());
                    }
                    if (!output.inputTopic().equals(TOPICS.sessionEvents())
                            || output.inputPartition() != in.partition() || output.inputOffset() != in.offset()) {
                        wrong.add(input + ": points at " + output.inputTopic() + "-" + output.inputPartition() + "@"
                                + output.inputOffset() + ", was written to " + in);
                    }
                    if (output.partition() != in.partition()) {
                        wrong.add(input + ": output partition " + output.partition() + ", input partition "
                                + in.partition());
                    }
                }
                assertThat(wrong).as("outputs that differ from their inputs' expected verdicts").isEmpty();
                assertThat(all).filteredOn(Output::verified).hasSize(
                        (int) expectedVerdicts.values().stream().filter(VERIFIED::equals).count());
            }
        }
    }

    /** Verified events of two tenants on two orgs, interleaved with one of each kind of rejection. */
    private static List<Kind> kinds(Instant issuedAt) {
        String acmeToken = IdTokenMinter.of(acmeOrg, ACME_CLIENT, issuedAt).sign();
        String globexToken = IdTokenMinter.of(globexOrg, GLOBEX_CLIENT, issuedAt).sign();
        return List.of(
                new Kind("acme", acmeToken, VERIFIED),
                new Kind("globex", globexToken, VERIFIED),
                new Kind("acme", acmeToken, VERIFIED),
                new Kind("globex", globexToken, VERIFIED),
                new Kind("acme", IdTokenMinter.of(acmeOrg, ACME_CLIENT, issuedAt).sign(), VERIFIED),
                new Kind("globex", IdTokenMinter.of(globexOrg, GLOBEX_CLIENT, issuedAt).sign(), VERIFIED),
                new Kind("acme", IdTokenMinter.of(acmeOrg, "0oaANOTHERAPP000001", issuedAt).sign(),
                        "INVALID_AUDIENCE"),
                new Kind("acme", IdTokenMinter.of(acmeOrg, ACME_CLIENT, issuedAt.minus(Duration.ofHours(2))).sign(),
                        "TOKEN_EXPIRED"),
                new Kind("acme", IdTokenMinter.of(acmeOrg, ACME_CLIENT, issuedAt).signedWith(acmeOrg.newSigningKey())
                        .keyId(acmeOrg.signingKey().getKeyID()).sign(), "INVALID_SIGNATURE"),
                new Kind("globex", IdTokenMinter.of(globexOrg, GLOBEX_CLIENT, issuedAt)
                        .signedWith(globexOrg.newSigningKey()).sign(), "UNKNOWN_SIGNING_KEY"),
                new Kind("acme", IdTokenMinter.of(strangerOrg, ACME_CLIENT, issuedAt).sign(), "INVALID_ISSUER"),
                new Kind("acme", "not-a-jwt", "MALFORMED_TOKEN"),
                new Kind("acme", null, "MISSING_TOKEN"),
                new Kind("nobody", acmeToken, "UNKNOWN_TENANT"),
                new Kind("sleepy", acmeToken, "SSO_DISABLED"),
                new Kind("typo", acmeToken, "TENANT_CONFIG_INVALID"));
    }
}
