package io.identityaudit.pipeline;

import static io.identityaudit.pipeline.CommittedOutputs.VERIFIED;
import static io.identityaudit.pipeline.CommittedOutputs.assertEachExactlyOnce;
import static io.identityaudit.testing.Events.event;
import static io.identityaudit.testing.Events.tenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.identityaudit.avro.WidgetSessionEvent;
import io.identityaudit.config.DomainPolicy;
import io.identityaudit.config.PipelineSettings;
import io.identityaudit.config.Topics;
import io.identityaudit.demo.IdTokenMinter;
import io.identityaudit.demo.SimulatedOktaOrg;
import io.identityaudit.embedded.EmbeddedKafkaBroker;
import io.identityaudit.pipeline.CommittedOutputs.Output;
import io.identityaudit.testing.KafkaBrokerExtension;
import io.identityaudit.topology.TenantConfigListener;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two instances with one application id split the event partitions between them; when one stops mid-stream the
 * other takes its partitions over, and together they still emit exactly one verdict per event.
 */
@ExtendWith(KafkaBrokerExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ScaleOutIT {

    private static final Logger log = LoggerFactory.getLogger(ScaleOutIT.class);

    private static final String APPLICATION_ID = "scale-out-it";
    private static final Topics TOPICS = new Topics("scale-out-it.session-events", "scale-out-it.tenant-configs",
            "scale-out-it.verified", "scale-out-it.rejected", "scale-out-it.retry");
    private static final int PARTITIONS = 4;
    private static final String CLIENT_ID = "0oa1b2c3d4e5f6g7h8i9";
    private static final int EVENTS_PER_PHASE = 1500;
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void twoInstancesShareThePartitionsAndStillEmitOneVerdictPerEventWhenOneStops(EmbeddedKafkaBroker broker)
            throws Exception {
        TestTopics.create(broker.bootstrapServers(),
                new TopicLayout(TOPICS, PARTITIONS, Optional.of((short) 1)).newTopics());
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Map<String, String> expected = new LinkedHashMap<>();
        AtomicInteger judgedByFirst = new AtomicInteger();
        AtomicInteger judgedBySecond = new AtomicInteger();

        try (SimulatedOktaOrg org = SimulatedOktaOrg.start();
             InputProducer producer = new InputProducer(broker.bootstrapServers());
             CommittedOutputs outputs = new CommittedOutputs(broker.bootstrapServers(), TOPICS)) {
            producer.saveTenant(TOPICS.tenantConfigs(), tenant("acme", CLIENT_ID, org.domain(),
                    t0.minus(Duration.ofHours(1))).build());
            PipelineSettings settings = PipelineSettings.DEFAULTS.withTopics(TOPICS)
                    .withDomainPolicy(DomainPolicy.allowing(org.domain()));
            List<String> tokens = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                tokens.add(IdTokenMinter.of(org, CLIENT_ID, t0.minusSeconds(60 + i)).sign());
            }

            try (IdentityAuditPipeline first = IdentityAuditPipeline.start(settings, runtime(broker, "first"),
                    org.trustingSocketFactory(), TenantConfigListener.NONE, (verdict, nanos) -> judgedByFirst.incrementAndGet());
                 IdentityAuditPipeline second = IdentityAuditPipeline.start(settings, runtime(broker, "second"),
                         org.trustingSocketFactory(), TenantConfigListener.NONE,
                         (verdict, nanos) -> judgedBySecond.incrementAndGet())) {
                await("both instances running with a share of the partitions").atMost(TIMEOUT)
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> activeTasks(first) > 0 && activeTasks(second) > 0
                                && activeTasks(first) + activeTasks(second) == PARTITIONS);

                producer.sendAll(TOPICS.sessionEvents(), events(0, t0, tokens, expected));
                outputs.awaitAtLeast(EVENTS_PER_PHASE / 5, TIMEOUT);
                await("the second instance judging events").atMost(TIMEOUT).until(() -> judgedBySecond.get() > 0);
                Instant stopping = Instant.now();
                second.close();
                log.info("second instance closed in {} ms, after {} committed outputs",
                        Duration.between(stopping, Instant.now()).toMillis(), outputs.outputs().size());
                producer.sendAll(TOPICS.sessionEvents(), events(EVENTS_PER_PHASE, t0, tokens, expected));

                List<Output> all = outputs.awaitAll(expected.keySet(), TIMEOUT);
                log.info("all {} outputs committed {} ms after the second instance stopped", all.size(),
                        Duration.between(stopping, Instant.now()).toMillis());

                assertEachExactlyOnce(expected.keySet(), all);
                for (Output output : all) {
                    assertThat(output.verdict()).as("verdict of %s", output.eventId())
                            .isEqualTo(expected.get(output.eventId()));
                }
                assertThat(judgedByFirst.get()).as("events judged by the first instance").isPositive();
                assertThat(judgedBySecond.get()).as("events judged by the second instance").isPositive();
                assertThat(first.state()).isEqualTo(KafkaStreams.State.RUNNING);
                assertThat(activeTasks(first)).as("the survivor owns every partition").isEqualTo(PARTITIONS);
            }
        }
    }

    private StreamsRuntime runtime(EmbeddedKafkaBroker broker, String instance) {
        // IdentityAuditPipeline.close() does not leave the consumer group, so the survivor gets the stopped
        // instance's partitions only when that member's session expires: 45 s by default, 10 s here.
        return new StreamsRuntime(APPLICATION_ID, broker.bootstrapServers(), dir.resolve(instance), 1,
                Map.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000"));
    }

    /** Tasks that read the session events: one per partition (the anomaly detectors' tasks are not counted). */
    private static int activeTasks(IdentityAuditPipeline pipeline) {
        if (pipeline.state() != KafkaStreams.State.RUNNING) {
            return 0;
        }
        return (int) pipeline.streams().metadataForLocalThreads().stream()
                .flatMap(thread -> thread.activeTasks().stream())
                .filter(task -> task.topicPartitions().stream()
                        .anyMatch(partition -> partition.topic().equals(TOPICS.sessionEvents())))
                .count();
    }

    /** One phase of events: mostly genuine tokens, every tenth of an unknown tenant. */
    private static List<WidgetSessionEvent> events(int first, Instant t0, List<String> tokens,
                                                   Map<String, String> expected) {
        List<WidgetSessionEvent> events = new ArrayList<>(EVENTS_PER_PHASE);
        for (int i = first; i < first + EVENTS_PER_PHASE; i++) {
            boolean unknownTenant = i % 10 == 9;
            WidgetSessionEvent event = event(unknownTenant ? "nobody" : "acme", tokens.get(i % tokens.size()),
                    t0.plusMillis(i)).build();
            events.add(event);
            expected.put(event.getEventId(), unknownTenant ? "UNKNOWN_TENANT" : VERIFIED);
        }
        return events;
    }
}
