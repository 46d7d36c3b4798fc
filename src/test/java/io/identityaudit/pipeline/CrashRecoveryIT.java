package io.identityaudit.pipeline;

import static io.identityaudit.pipeline.CommittedOutputs.VERIFIED;
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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline in its own JVM is killed with SIGKILL while thousands of events are in flight: no shutdown hook,
 * no commit, an open transaction left behind. Restarted with the same application id and data directory, it
 * resumes from the last committed transaction, and the committed outputs hold every event exactly once.
 */
@ExtendWith(KafkaBrokerExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class CrashRecoveryIT {

    private static final Logger log = LoggerFactory.getLogger(CrashRecoveryIT.class);

    private static final String APPLICATION_ID = "crash-recovery-it";
    private static final Topics TOPICS = new Topics("crash-recovery-it.session-events",
            "crash-recovery-it.tenant-configs", "crash-recovery-it.verified", "crash-recovery-it.rejected", "crash-recovery-it.retry");
    private static final String CLIENT_ID = "0oa1b2c3d4e5f6g7h8i9";
    private static final int EVENTS = 5000;
    /** Committed outputs seen before the kill: enough to know the first instance was well under way. */
    private static final int KILL_AFTER = 250;
    private static final int SIGKILL_EXIT_CODE = 128 + 9;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    @Test
    void killedMidStreamAndRestartedItCommitsEveryEventExactlyOnce(EmbeddedKafkaBroker broker) throws Exception {
        TestTopics.create(broker.bootstrapServers(),
                new TopicLayout(TOPICS, 4, Optional.of((short) 1)).newTopics());
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);

        try (SimulatedOktaOrg org = SimulatedOktaOrg.start();
             InputProducer producer = new InputProducer(broker.bootstrapServers());
             CommittedOutputs outputs = new CommittedOutputs(broker.bootstrapServers(), TOPICS)) {
            // Saved before the pipeline starts, so that it is restored before the first event is judged.
            producer.saveTenant(TOPICS.tenantConfigs(), tenant("acme", CLIENT_ID, org.domain(),
                    t0.minus(Duration.ofHours(1))).build());
            Map<String, String> expected = new LinkedHashMap<>();
            List<WidgetSessionEvent> events = events(org, t0, expected);
            List<String> options = options(broker, org);

            try (PipelineProcess first = PipelineProcess.run(dir, "first", options)) {
                first.awaitOutput(PipelineProcess.RUNNING, START_TIMEOUT);
                CompletableFuture<List<RecordMetadata>> sending =
                        CompletableFuture.supplyAsync(() -> producer.sendAll(TOPICS.sessionEvents(), events));
                outputs.awaitAtLeast(KILL_AFTER, TIMEOUT);

                int exitCode = first.kill();

                long inputsCommittedAtKill = committedInputOffsets(broker);
                assertThat(exitCode).as("killed by SIGKILL").isEqualTo(SIGKILL_EXIT_CODE);
                assertThat(sending.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).hasSize(EVENTS);
                log.info("first instance killed with {} of {} input events committed as processed",
                        inputsCommittedAtKill, EVENTS);
                assertThat(inputsCommittedAtKill).as("events committed as processed when the first instance was "
                        + "killed: the kill must come mid-stream").isLessThan(EVENTS);
            }

            try (PipelineProcess second = PipelineProcess.run(dir, "second", options)) {
                second.awaitOutput(PipelineProcess.RUNNING, START_TIMEOUT);
                Instant restarted = Instant.now();

                List<Output> all = outputs.awaitAll(expected.keySet(), TIMEOUT);
                log.info("all {} outputs committed {} ms after the restart", all.size(),
                        Duration.between(restarted, Instant.now()).toMillis());

                assertEachExactlyOnce(expected.keySet(), all);
                List<String> wrong = all.stream()
                        .filter(output -> !output.verdict().equals(expected.get(output.eventId())))
                        .map(output -> output.eventId() + ": " + output.verdict() + " (" + output.detail() + ")")
                        .toList();
                assertThat(wrong).as("outputs with another verdict than expected").isEmpty();
            }
            logAbortedOutputs(broker, outputs.outputs().size());
        }
    }

    /** The input offsets the application has committed: under exactly-once, those of committed transactions. */
    private static long committedInputOffsets(EmbeddedKafkaBroker broker) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers()))) {
            return admin.listConsumerGroupOffsets(APPLICATION_ID).partitionsToOffsetAndMetadata()
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(TOPICS.sessionEvents()) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset())
                    .sum();
        }
    }

    /** The options of both runs: same application id and data directory, as a restarted service would have. */
    private List<String> options(EmbeddedKafkaBroker broker, SimulatedOktaOrg org) {
        List<String> options = new ArrayList<>(List.of(
                "--bootstrap-servers", broker.bootstrapServers(),
                "--application-id", APPLICATION_ID,
                "--data-dir", dir.resolve("data").toString(),
                "--stream-threads", "2",
                // The killed instance stays a group member until its session expires; the restarted one's first
                // rebalance waits for that. Ten seconds instead of the default 45 keeps the test short.
                "--kafka", "session.timeout.ms=10000"));
        options.addAll(PipelineProcess.topicOptions(TOPICS));
        options.addAll(PipelineProcess.orgOptions(org, dir));
        return options;
    }

    /** Mostly genuine tokens (a few distinct ones: signing is slow), every tenth event of an unknown tenant. */
    private static List<WidgetSessionEvent> events(SimulatedOktaOrg org, Instant t0, Map<String, String> expected) {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            tokens.add(IdTokenMinter.of(org, CLIENT_ID, t0.minusSeconds(60 + i)).sign());
        }
        List<WidgetSessionEvent> events = new ArrayList<>(EVENTS);
        for (int i = 0; i < EVENTS; i++) {
            boolean unknownTenant = i % 10 == 9;
            WidgetSessionEvent event = event(unknownTenant ? "nobody" : "acme", tokens.get(i % tokens.size()),
                    t0.plusMillis(i)).build();
            events.add(event);
            expected.put(event.getEventId(), unknownTenant ? "UNKNOWN_TENANT" : VERIFIED);
        }
        return events;
    }

    /**
     * Not asserted, since it depends on timing: how many output records the killed instance had written in its
     * unfinished transaction, which {@code read_committed} never shows.
     */
    private static void logAbortedOutputs(EmbeddedKafkaBroker broker, int committed) {
        try (CommittedOutputs raw = new CommittedOutputs(broker.bootstrapServers(), TOPICS,
                IsolationLevel.READ_UNCOMMITTED)) {
            int written = raw.drainToEnd(TIMEOUT).size();
            log.info("{} output records in the log, {} committed: {} were aborted with the killed instance's "
                    + "open transactions", written, committed, written - committed);
        }
    }
}
