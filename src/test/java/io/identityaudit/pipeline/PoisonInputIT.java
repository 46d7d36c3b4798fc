package io.identityaudit.pipeline;

import static io.identityaudit.pipeline.CommittedOutputs.VERIFIED;
import static io.identityaudit.pipeline.CommittedOutputs.assertEachExactlyOnce;
import static io.identityaudit.pipeline.CommittedOutputs.inputKey;
import static io.identityaudit.testing.Events.event;
import static io.identityaudit.testing.Events.tenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.identityaudit.avro.TenantSsoConfig;
import io.identityaudit.avro.WidgetSessionEvent;
import io.identityaudit.config.DomainPolicy;
import io.identityaudit.config.PipelineSettings;
import io.identityaudit.config.Topics;
import io.identityaudit.demo.IdTokenMinter;
import io.identityaudit.demo.SimulatedOktaOrg;
import io.identityaudit.embedded.EmbeddedKafkaBroker;
import io.identityaudit.pipeline.CommittedOutputs.Output;
import io.identityaudit.serde.Contracts;
import io.identityaudit.testing.KafkaBrokerExtension;
import io.identityaudit.topology.TenantConfigListener;
import io.identityaudit.topology.VerdictListener;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whatever lands in the input topics, the pipeline keeps going: an unreadable event becomes one MALFORMED_EVENT
 * rejection in the same transaction as its neighbours' verdicts, and an unreadable tenant config is skipped
 * without touching any other tenant.
 */
@ExtendWith(KafkaBrokerExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PoisonInputIT {

    private static final String CLIENT_ID = "0oa1b2c3d4e5f6g7h8i9";
    private static final int ONE_MEGABYTE = 1024 * 1024;
    /** Room for a 1 MB value plus its record and batch overhead, on the topic and in the producer. */
    private static final int TWO_MEGABYTES = 2 * ONE_MEGABYTE;
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    private static SimulatedOktaOrg org;

    @TempDir
    Path stateDir;

    private EmbeddedKafkaBroker broker;
    private Topics topics;
    private IdentityAuditPipeline pipeline;
    private final Queue<String> savedTenants = new ConcurrentLinkedQueue<>();
    private final Queue<String> malformedTenantRecords = new ConcurrentLinkedQueue<>();
    private Instant t0;

    @BeforeAll
    static void startOrg() {
        org = SimulatedOktaOrg.start();
    }

    @AfterAll
    static void stopOrg() {
        org.close();
    }

    @AfterEach
    void stopPipeline() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    /** Own topics per test; the event topic is one partition, so "after" means after in the same partition. */
    private void createTopics(EmbeddedKafkaBroker sharedBroker, TestInfo test) {
        this.broker = sharedBroker;
        String prefix = "poison-input-it." + test.getTestMethod().orElseThrow().getName() + ".";
        topics = new Topics(prefix + "session-events", prefix + "tenant-configs", prefix + "verified",
                prefix + "rejected", prefix + "retry");
        TestTopics.create(broker.bootstrapServers(), List.of(
                new NewTopic(topics.sessionEvents(), 1, (short) 1)
                        .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(TWO_MEGABYTES))),
                new NewTopic(topics.tenantConfigs(), 1, (short) 1)
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)),
                new NewTopic(topics.verified(), 1, (short) 1),
                new NewTopic(topics.rejected(), 1, (short) 1),
                new NewTopic(topics.retries(), 1, (short) 1)));
        t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    private void startPipeline(TestInfo test) throws InterruptedException {
        PipelineSettings settings = PipelineSettings.DEFAULTS.withTopics(topics)
                .withDomainPolicy(DomainPolicy.allowing(org.domain()));
        StreamsRuntime runtime = new StreamsRuntime("poison-input-it-" + test.getTestMethod().orElseThrow().getName(),
                broker.bootstrapServers(), stateDir, 1, Map.of());
        TenantConfigListener listener = new TenantConfigListener() {
            @Override
            public void onSaved(TenantSsoConfig config) {
                savedTenants.add(config.getTenantId());
            }

            @Override
            public void onMalformed(String tenantId) {
                malformedTenantRecords.add(String.valueOf(tenantId));
            }
        };
        pipeline = IdentityAuditPipeline.start(settings, runtime, org.trustingSocketFactory(), listener,
                VerdictListener.NONE);
        assertThat(pipeline.awaitRunning(TIMEOUT)).as("pipeline running").isTrue();
    }

    private WidgetSessionEvent validEvent(String tenantId, int i) {
        return event(tenantId, IdTokenMinter.of(org, CLIENT_ID, t0.minusSeconds(60)).sign(), t0.plusMillis(i))
                .build();
    }

    @Test
    void eachPoisonRecordYieldsOneMalformedEventRejectionAndLaterEventsStillVerify(
            EmbeddedKafkaBroker sharedBroker, TestInfo test) throws Exception {
        createTopics(sharedBroker, test);
        byte[] genuine = Contracts.SESSION_EVENT.encode(validEvent("acme", 0));
        byte[] randomBytes = new byte[512];
        new Random(42).nextBytes(randomBytes);
        randomBytes[0] = 0x7b; // not the single-object marker C3 01, whatever the seed gives
        byte[] truncated = Arrays.copyOf(genuine, 30);
        byte[] unknownFingerprint = genuine.clone();
        unknownFingerprint[2] ^= 0x5a;
        // A real header (marker and a known fingerprint) followed by a megabyte that is not a WidgetSessionEvent.
        byte[] oneMegabyte = new byte[ONE_MEGABYTE];
        Arrays.fill(oneMegabyte, (byte) 0xff);
        System.arraycopy(genuine, 0, oneMegabyte, 0, 10);
        Map<String, byte[]> poison = new LinkedHashMap<>();
        poison.put("random-bytes", randomBytes);
        poison.put("truncated-avro", truncated);
        poison.put("unknown-fingerprint", unknownFingerprint);
        poison.put("one-megabyte", oneMegabyte);
        poison.put("empty", new byte[0]);

        Map<String, String> expected = new LinkedHashMap<>();
        Map<String, RecordMetadata> written = new LinkedHashMap<>();
        try (InputProducer producer = new InputProducer(broker.bootstrapServers(),
                Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TWO_MEGABYTES));
             CommittedOutputs outputs = new CommittedOutputs(broker.bootstrapServers(), topics)) {
            producer.saveTenant(topics.tenantConfigs(), tenant("acme", CLIENT_ID, org.domain(), t0.minusSeconds(3600))
                    .build());
            startPipeline(test);

            WidgetSessionEvent before = validEvent("acme", 1);
            written.put(before.getEventId(), producer.send(topics.sessionEvents(), before));
            expected.put(before.getEventId(), VERIFIED);
            for (Map.Entry<String, byte[]> entry : poison.entrySet()) {
                written.put(inputKey(entry.getKey()),
                        producer.sendRaw(topics.sessionEvents(), entry.getKey(), entry.getValue(), t0));
                expected.put(inputKey(entry.getKey()), "MALFORMED_EVENT");
            }
            List<WidgetSessionEvent> after = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                after.add(validEvent("acme", 10 + i));
            }
            List<RecordMetadata> afterMetadata = producer.sendAll(topics.sessionEvents(), after);
            for (int i = 0; i < after.size(); i++) {
                written.put(after.get(i).getEventId(), afterMetadata.get(i));
                expected.put(after.get(i).getEventId(), VERIFIED);
            }

            List<Output> all = outputs.awaitAll(expected.keySet(), TIMEOUT);

            assertEachExactlyOnce(expected.keySet(), all);
            Map<String, Output> byInput = CommittedOutputs.byInput(all);
            expected.forEach((input, verdict) -> {
                Output output = byInput.get(input);
                assertThat(output.verdict()).as("verdict for %s (%s)", input, output.detail()).isEqualTo(verdict);
                assertThat(output.inputOffset()).as("input offset of %s", input)
                        .isEqualTo(written.get(input).offset());
            });
            for (String key : poison.keySet()) {
                Output rejection = byInput.get(inputKey(key));
                assertThat(rejection.topic()).isEqualTo(topics.rejected());
                assertThat(rejection.key()).as("a rejection of an unreadable event is keyed by its input key")
                        .isEqualTo(key);
                assertThat(rejection.eventId()).isNull();
                assertThat(rejection.detail()).as("the detail says what is wrong, never quotes the bytes")
                        .hasSizeLessThan(1_000);
            }
            assertThat(byInput.get(inputKey("unknown-fingerprint")).detail()).contains("fingerprint");
            assertThat(byInput.get(inputKey("random-bytes")).detail()).contains("marker");
            assertThat(pipeline.state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
    }

    @Test
    void malformedTenantConfigRecordsAreSkippedWithoutAffectingOtherTenants(
            EmbeddedKafkaBroker sharedBroker, TestInfo test) throws Exception {
        createTopics(sharedBroker, test);
        Instant configuredAt = t0.minusSeconds(3600);
        try (InputProducer producer = new InputProducer(broker.bootstrapServers());
             CommittedOutputs outputs = new CommittedOutputs(broker.bootstrapServers(), topics)) {
            String configs = topics.tenantConfigs();
            // Before start: read while the global store is restored.
            producer.saveTenant(configs, tenant("acme", CLIENT_ID, org.domain(), configuredAt).build());
            producer.sendRaw(configs, "broken", new byte[] {(byte) 0xc3, 0x01, 1, 2, 3}, configuredAt);
            producer.saveTenant(configs, tenant("globex", CLIENT_ID, org.domain(), configuredAt).build());
            producer.sendRaw(configs, "globex", Arrays.copyOf(Contracts.TENANT_CONFIG.encode(
                    tenant("globex", CLIENT_ID, "evil.example", configuredAt.plusSeconds(1)).build()), 20),
                    configuredAt.plusSeconds(1));
            // A record whose key is not its tenant id must not overwrite that tenant.
            producer.sendRaw(configs, "impostor", Contracts.TENANT_CONFIG.encode(
                    tenant("acme", "0oaIMPOSTOR00000001", "evil.example", configuredAt.plusSeconds(2)).build()),
                    configuredAt.plusSeconds(2));
            startPipeline(test);

            // While running: read by the global thread as it happens.
            producer.sendRaw(configs, "late-broken", "not avro at all".getBytes(), configuredAt.plusSeconds(3));
            producer.saveTenant(configs, tenant("initech", CLIENT_ID, org.domain(), configuredAt.plusSeconds(4))
                    .build());
            await("the config saved after the broken one").atMost(TIMEOUT)
                    .until(() -> savedTenants.contains("initech"));
            assertThat(malformedTenantRecords).as("each unreadable config record reported once, by its key")
                    .containsExactlyInAnyOrder("broken", "globex", "impostor", "late-broken");

            Map<String, String> expected = new LinkedHashMap<>();
            List<WidgetSessionEvent> events = new ArrayList<>();
            Map<String, String> verdictByTenant = Map.of("acme", VERIFIED, "globex", VERIFIED, "initech", VERIFIED,
                    "broken", "UNKNOWN_TENANT", "impostor", "UNKNOWN_TENANT", "late-broken", "UNKNOWN_TENANT");
            int i = 0;
            for (Map.Entry<String, String> tenantVerdict : verdictByTenant.entrySet()) {
                WidgetSessionEvent event = validEvent(tenantVerdict.getKey(), i++);
                events.add(event);
                expected.put(event.getEventId(), tenantVerdict.getValue());
            }
            producer.sendAll(topics.sessionEvents(), events);

            List<Output> all = outputs.awaitAll(expected.keySet(), TIMEOUT);

            assertEachExactlyOnce(expected.keySet(), all);
            for (Output output : all) {
                assertThat(output.verdict()).as("verdict for tenant %s (%s)", output.tenantId(), output.detail())
                        .isEqualTo(expected.get(output.eventId()));
            }
            assertThat(pipeline.state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
    }
}
