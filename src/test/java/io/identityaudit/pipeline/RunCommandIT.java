package io.identityaudit.pipeline;

import static io.identityaudit.pipeline.CommittedOutputs.assertEachExactlyOnce;
import static io.identityaudit.testing.Events.event;
import static io.identityaudit.testing.Events.tenant;
import static org.assertj.core.api.Assertions.assertThat;

import io.identityaudit.avro.WidgetSessionEvent;
import io.identityaudit.config.Topics;
import io.identityaudit.demo.IdTokenMinter;
import io.identityaudit.demo.SimulatedOktaOrg;
import io.identityaudit.embedded.EmbeddedKafkaBroker;
import io.identityaudit.pipeline.CommittedOutputs.Output;
import io.identityaudit.testing.KafkaBrokerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code identity-audit run} as an operator runs it, in its own JVM: against an existing cluster, and alone with
 * its embedded broker. Either way it creates its topics, judges events end to end, and on SIGTERM closes Streams
 * (committing) and exits 0.
 */
@ExtendWith(KafkaBrokerExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RunCommandIT {

    private static final String CLIENT_ID = "0oa1b2c3d4e5f6g7h8i9";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private static SimulatedOktaOrg org;

    @TempDir
    Path dir;

    @BeforeAll
    static void startOrg() {
        org = SimulatedOktaOrg.start();
    }

    @AfterAll
    static void stopOrg() {
        org.close();
    }

    @Test
    void runWithBootstrapServersCreatesItsTopicsJudgesEventsAndExitsZeroOnSigterm(EmbeddedKafkaBroker broker)
            throws Exception {
        Topics topics = new Topics("run-command-it.session-events", "run-command-it.tenant-configs",
                "run-command-it.verified", "run-command-it.rejected", "run-command-it.retry");
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<String> args = new ArrayList<>(List.of(
                "--bootstrap-servers", broker.bootstrapServers(),
                "--application-id", "run-command-it-cluster",
                "--data-dir", dir.resolve("data").toString(),
                "--partitions", "3",
                "--stream-threads", "1"));
        args.addAll(PipelineProcess.topicOptions(topics));
        args.addAll(PipelineProcess.orgOptions(org, dir));

        try (PipelineProcess run = PipelineProcess.run(dir, "run-cluster", args)) {
            run.awaitOutput(PipelineProcess.RUNNING, START_TIMEOUT);
            assertThat(run.output()).contains("identity-audit is running against " + broker.bootstrapServers());

            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    broker.bootstrapServers()))) {
                Map<String, TopicDescription> created = admin.describeTopics(List.of(topics.sessionEvents(),
                        topics.tenantConfigs(), topics.verified(), topics.rejected())).allTopicNames()
                        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                assertThat(created.get(topics.sessionEvents()).partitions()).hasSize(3);
                assertThat(created.get(topics.verified()).partitions()).hasSize(3);
                assertThat(created.get(topics.rejected()).partitions()).hasSize(3);
                assertThat(created.get(topics.tenantConfigs()).partitions()).hasSize(1);
                ConfigResource configsTopic = new ConfigResource(ConfigResource.Type.TOPIC, topics.tenantConfigs());
                Config config = admin.describeConfigs(List.of(configsTopic)).all()
                        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).get(configsTopic);
                assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value())
                        .isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
            }

            try (InputProducer producer = new InputProducer(broker.bootstrapServers());
                 CommittedOutputs outputs = new CommittedOutputs(broker.bootstrapServers(), topics)) {
                saveTenantAndAwaitIt(producer, run, topics, t0);
                WidgetSessionEvent genuine = event("acme", IdTokenMinter.of(org, CLIENT_ID, t0.minusSeconds(60))
                        .sign(), t0).build();
                WidgetSessionEvent unknownTenant = event("nobody", genuine.getIdToken(), t0).build();
                producer.sendAll(topics.sessionEvents(), List.of(genuine, unknownTenant));

                List<String> expected = List.of(genuine.getEventId(), unknownTenant.getEventId());
                List<Output> all = outputs.awaitAll(expected, TIMEOUT);

                assertEachExactlyOnce(expected, all);
                Map<String, Output> byInput = CommittedOutputs.byInput(all);
                assertThat(byInput.get(genuine.getEventId()).verdict()).isEqualTo(CommittedOutputs.VERIFIED);
                assertThat(byInput.get(genuine.getEventId()).key()).isEqualTo(genuine.getSessionId());
                assertThat(byInput.get(unknownTenant.getEventId()).verdict()).isEqualTo("UNKNOWN_TENANT");
            }

            int exitCode = run.terminate(STOP_TIMEOUT);
            assertThat(run.output()).contains("Stopping");

            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    broker.bootstrapServers()))) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin
                        .listConsumerGroupOffsets("run-command-it-cluster").partitionsToOffsetAndMetadata()
                        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                long consumed = committed.entrySet().stream()
                        .filter(e -> e.getKey().topic().equals(topics.sessionEvents()) && e.getValue() != null)
                        .mapToLong(e -> e.getValue().offset()).sum();
                assertThat(consumed).as("input offsets committed by the stopped pipeline").isEqualTo(2);
            }
            assertThat(exitCode).as("exit code after SIGTERM (0: stopped cleanly); output:%n%s", run.output())
                    .isZero();
        }
    }

    @Test
    void runWithoutBootstrapServersStartsAnEmbeddedBrokerThatKeepsItsDataAcrossRestarts() throws Exception {
        Path dataDir = dir.resolve("data");
        Topics topics = Topics.DEFAULTS;
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<String> common = new ArrayList<>(List.of(
                "--application-id", "run-command-it-embedded",
                "--data-dir", dataDir.toString(),
                "--stream-threads", "1",
                // A stopped run does not leave its consumer group, so the next run's first rebalance waits for
                // the old member's session to expire: 45 s by default, 10 s here.
                "--kafka", "session.timeout.ms=10000"));
        common.addAll(PipelineProcess.orgOptions(org, dir));
        WidgetSessionEvent before = event("acme", IdTokenMinter.of(org, CLIENT_ID, t0.minusSeconds(60)).sign(), t0)
                .build();
        WidgetSessionEvent after = event("acme", before.getIdToken(), t0.plusSeconds(1)).build();

        Map<String, Integer> exitCodes = new LinkedHashMap<>();
        int port;
        List<String> firstArgs = new ArrayList<>(List.of("--embedded-port", "0"));
        firstArgs.addAll(common);
        try (PipelineProcess first = PipelineProcess.run(dir, "run-embedded-1", firstArgs)) {
            port = Integer.parseInt(first.awaitOutput(PipelineProcess.EMBEDDED_BROKER, START_TIMEOUT).group(1));
            first.awaitOutput(PipelineProcess.RUNNING, START_TIMEOUT);
            String bootstrap = "127.0.0.1:" + port;
            assertThat(first.output()).contains("identity-audit is running against " + bootstrap)
                    .contains(dataDir.resolve("kafka").toAbsolutePath().toString());

            try (InputProducer producer = new InputProducer(bootstrap);
                 CommittedOutputs outputs = new CommittedOutputs(bootstrap, topics)) {
                saveTenantAndAwaitIt(producer, first, topics, t0);
                producer.send(topics.sessionEvents(), before);

                List<Output> all = outputs.awaitAll(List.of(before.getEventId()), TIMEOUT);

                assertEachExactlyOnce(List.of(before.getEventId()), all);
                assertThat(all.get(0).verdict()).isEqualTo(CommittedOutputs.VERIFIED);
            }
            exitCodes.put("first run", first.terminate(STOP_TIMEOUT));
        }

        List<String> secondArgs = new ArrayList<>(List.of("--embedded-port", String.valueOf(port)));
        secondArgs.addAll(common);
        try (PipelineProcess second = PipelineProcess.run(dir, "run-embedded-2", secondArgs)) {
            assertThat(second.awaitOutput(PipelineProcess.EMBEDDED_BROKER, START_TIMEOUT).group(1))
                    .isEqualTo(String.valueOf(port));
            second.awaitOutput(PipelineProcess.RUNNING, START_TIMEOUT);
            String bootstrap = "127.0.0.1:" + port;

            try (InputProducer producer = new InputProducer(bootstrap);
                 CommittedOutputs outputs = new CommittedOutputs(bootstrap, topics)) {
                // No tenant config is saved again: the compacted topic and the Streams offsets survived too.
                producer.send(topics.sessionEvents(), after);

                List<String> expected = List.of(before.getEventId(), after.getEventId());
                List<Output> all = outputs.awaitAll(expected, TIMEOUT);

                assertEachExactlyOnce(expected, all);
                assertThat(all).extracting(Output::verdict).containsOnly(CommittedOutputs.VERIFIED);
            }
            exitCodes.put("second run", second.terminate(STOP_TIMEOUT));
        }
        assertThat(exitCodes).as("exit codes after SIGTERM (0: stopped cleanly)")
                .containsExactly(Map.entry("first run", 0), Map.entry("second run", 0));
    }

    /**
     * Saves tenant acme and waits for the pipeline's log line saying it was loaded: the global thread that reads
     * tenant configs runs apart from the stream threads, so an event sent at once could be judged before.
     */
    private static void saveTenantAndAwaitIt(InputProducer producer, PipelineProcess run, Topics topics, Instant t0) {
        producer.saveTenant(topics.tenantConfigs(), tenant("acme", CLIENT_ID, org.domain(),
                t0.minus(Duration.ofHours(1))).build());
        run.awaitOutput(Pattern.compile("Tenant 'acme' configured"), TIMEOUT);
    }

}
