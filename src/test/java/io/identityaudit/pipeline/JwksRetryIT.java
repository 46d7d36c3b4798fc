package io.identityaudit.pipeline;

import static io.identityaudit.pipeline.CommittedOutputs.assertEachExactlyOnce;
import static io.identityaudit.testing.Events.event;
import static io.identityaudit.testing.Events.tenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.identityaudit.avro.WidgetSessionEvent;
import io.identityaudit.config.DomainPolicy;
import io.identityaudit.config.JwksSettings;
import io.identityaudit.config.PipelineSettings;
import io.identityaudit.config.RetryPolicy;
import io.identityaudit.config.Topics;
import io.identityaudit.demo.IdTokenMinter;
import io.identityaudit.demo.LoopbackTls;
import io.identityaudit.demo.SimulatedOktaOrg;
import io.identityaudit.embedded.EmbeddedKafkaBroker;
import io.identityaudit.pipeline.CommittedOutputs.Output;
import io.identityaudit.testing.KafkaBrokerExtension;
import io.identityaudit.topology.TenantConfigListener;
import io.identityaudit.topology.VerdictListener;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * On the real broker: events of an org whose key endpoint fails wait on the retry topic, are judged again after
 * the backoff, and end in exactly one committed verdict: verified once the org is back, or a final
 * JWKS_FETCH_FAILED rejection when it never comes back.
 */
@ExtendWith(KafkaBrokerExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class JwksRetryIT {

    private static final String CLIENT_ID = "0oa1b2c3d4e5f6g7h8i9";
    private static final int EVENTS = 20;
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    /** Short intervals so that several tries fit in a test: 1 s, then 2 s between tries; 4 tries in all. */
    private static final RetryPolicy RETRIES = new RetryPolicy(4, Duration.ofSeconds(1), Duration.ofSeconds(2));
    private static final JwksSettings JWKS = new JwksSettings(Duration.ofSeconds(1), Duration.ofSeconds(1),
            64 * 1024, Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofHours(1));

    @TempDir
    Path stateDir;

    private List<Output> run(EmbeddedKafkaBroker broker, String name, SimulatedOktaOrg org,
                             Runnable whileRetrying, List<String> expectedInputs) throws Exception {
        Topics topics = new Topics(name + ".events", name + ".tenants", name + ".verified", name + ".rejected",
                name + ".retry");
        TestTopics.create(broker.bootstrapServers(), new TopicLayout(topics, 2, Optional.of((short) 1)).newTopics());
        PipelineSettings settings = PipelineSettings.DEFAULTS.withTopics(topics).withRetryPolicy(RETRIES)
                .withJwks(JWKS).withDomainPolicy(DomainPolicy.allowing(org.domain()));
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        try (InputProducer producer = new InputProducer(broker.bootstrapServers());
             IdentityAuditPipeline pipeline = IdentityAuditPipeline.start(settings,
                     new StreamsRuntime(name, broker.bootstrapServers(), stateDir.resolve(name), 2, Map.of()),
                     org.trustingSocketFactory(), TenantConfigListener.NONE, VerdictListener.NONE);
             CommittedOutputs outputs = new CommittedOutputs(broker.bootstrapServers(), topics)) {
            producer.saveTenant(topics.tenantConfigs(), tenant("flaky", CLIENT_ID, org.domain(),
                    t0.minus(Duration.ofHours(1))).build());
            assertThat(pipeline.awaitRunning(TIMEOUT)).as("pipeline running").isTrue();
            List<WidgetSessionEvent> events = new ArrayList<>();
            for (int i = 0; i < EVENTS; i++) {
                WidgetSessionEvent event = event("flaky", IdTokenMinter.of(org, CLIENT_ID, t0).sign(), t0).build();
                events.add(event);
                expectedInputs.add(event.getEventId());
            }
            producer.sendAll(topics.sessionEvents(), events);
            whileRetrying.run();
            List<Output> all = outputs.awaitAll(expectedInputs, TIMEOUT);
            assertEachExactlyOnce(expectedInputs, all);
            return all;
        }
    }

    @Test
    void eventsOfAnOrgThatComesBackAreVerifiedAfterRetries(EmbeddedKafkaBroker broker) throws Exception {
        try (SimulatedOktaOrg org = SimulatedOktaOrg.start(LoopbackTls.create())) {
            org.failWith(503);
            List<String> inputs = new ArrayList<>();

            List<Output> outputs = run(broker, "jwks-retry-it-back", org, () -> {
                // The org recovers once the first tries have failed: only retries can verify these events.
                await().atMost(TIMEOUT).until(() -> org.keysRequests() >= 1);
                org.failWith(null);
            }, inputs);

            assertThat(outputs).hasSize(EVENTS).allMatch(Output::verified);
        }
    }

    @Test
    void eventsOfAnOrgThatStaysDownEndInOneFinalRejectionEach(EmbeddedKafkaBroker broker) throws Exception {
        try (SimulatedOktaOrg org = SimulatedOktaOrg.start(LoopbackTls.create())) {
            org.failWith(503);
            List<String> inputs = new ArrayList<>();

            List<Output> outputs = run(broker, "jwks-retry-it-down", org, () -> { }, inputs);

            assertThat(outputs).hasSize(EVENTS).allSatisfy(output -> {
                assertThat(output.verdict()).isEqualTo("JWKS_FETCH_FAILED");
                assertThat(output.detail()).startsWith("after 4 attempts");
            });
        }
    }
}
