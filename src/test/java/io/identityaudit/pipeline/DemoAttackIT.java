package io.identityaudit.pipeline;

import static io.identityaudit.pipeline.CommittedOutputs.assertEachExactlyOnce;
import static org.assertj.core.api.Assertions.assertThat;

import io.identityaudit.avro.AnomalyKind;
import io.identityaudit.avro.AnomalySeverity;
import io.identityaudit.avro.SecurityAnomaly;
import io.identityaudit.avro.TenantSsoConfig;
import io.identityaudit.config.DomainPolicy;
import io.identityaudit.config.PipelineSettings;
import io.identityaudit.config.RetryPolicy;
import io.identityaudit.config.Topics;
import io.identityaudit.demo.AnomalyReader;
import io.identityaudit.demo.DemoTenants;
import io.identityaudit.demo.DemoTraffic;
import io.identityaudit.demo.DemoTraffic.DemoEvent;
import io.identityaudit.demo.LoopbackTls;
import io.identityaudit.demo.SimulatedOktaOrg;
import io.identityaudit.embedded.EmbeddedKafkaBroker;
import io.identityaudit.pipeline.CommittedOutputs.Output;
import io.identityaudit.testing.KafkaBrokerExtension;
import io.identityaudit.token.ErrorCode;
import io.identityaudit.topology.TenantConfigListener;
import io.identityaudit.topology.VerdictListener;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * On the real broker: the demo traffic with {@code --inject-attack} through the real pipeline. Every event still
 * gets exactly the one verdict it was meant to get, and the attack on tenant stark comes out of
 * {@code identity.anomalies}: a HIGH FORGERY_ATTEMPT burst from the attacker's IP, a SUBJECT_UNDER_ATTACK and a
 * TOKEN_REPLAY, none of them pinned on another tenant.
 */
@ExtendWith(KafkaBrokerExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DemoAttackIT {

    private static final String NAME = "demo-attack-it";
    private static final int EVENTS = 150;
    private static final Duration TIMEOUT = Duration.ofSeconds(45);
    /** As in the demo: initech's org never answers, so its events end after a few short retries. */
    private static final RetryPolicy RETRIES = new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(2));

    @TempDir
    Path stateDir;

    @Test
    void injectedAttackIsReadFromTheAnomaliesTopicAndEveryEventKeepsItsOneVerdict(EmbeddedKafkaBroker broker)
            throws Exception {
        Topics topics = new Topics(NAME + ".events", NAME + ".tenants", NAME + ".verified", NAME + ".rejected",
                NAME + ".retry", NAME + ".anomalies", NAME + ".config-changes");
        TestTopics.create(broker.bootstrapServers(), new TopicLayout(topics, 2, Optional.of((short) 1)).newTopics());
        LoopbackTls tls = LoopbackTls.create();
        try (SimulatedOktaOrg org = SimulatedOktaOrg.start(tls);
             SimulatedOktaOrg downOrg = SimulatedOktaOrg.start(tls)) {
            downOrg.failWith(503);
            DemoTenants tenants = new DemoTenants(org, downOrg, Instant.now().minus(Duration.ofMinutes(1)));
            PipelineSettings settings = PipelineSettings.DEFAULTS.withTopics(topics).withRetryPolicy(RETRIES)
                    .withDomainPolicy(new DomainPolicy(tenants.orgDomains()));
            DemoTraffic traffic = new DemoTraffic(tenants, EVENTS, Clock.systemUTC(), new Random(42), true);
            Map<String, String> meant = new HashMap<>();
            Set<String> attackEventIds = new HashSet<>();

            try (InputProducer producer = new InputProducer(broker.bootstrapServers());
                 IdentityAuditPipeline pipeline = IdentityAuditPipeline.start(settings,
                         new StreamsRuntime(NAME, broker.bootstrapServers(), stateDir, 2, Map.of()),
                         org.trustingSocketFactory(), TenantConfigListener.NONE, VerdictListener.NONE);
                 CommittedOutputs outputs = new CommittedOutputs(broker.bootstrapServers(), topics);
                 AnomalyReader anomalies = new AnomalyReader(broker.bootstrapServers(), topics.anomalies())) {
                for (TenantSsoConfig config : tenants.configs()) {
                    producer.saveTenant(topics.tenantConfigs(), config);
                }
                assertThat(pipeline.awaitRunning(TIMEOUT)).as("pipeline running").isTrue();
                while (traffic.hasNext()) {
                    DemoEvent event = traffic.next();
                    boolean unreadable = event.intended().code() == ErrorCode.MALFORMED_EVENT;
                    meant.put(unreadable ? CommittedOutputs.inputKey(event.key()) : event.trackingId(),
                            event.intended().label());
                    if (DemoTenants.STARK.equals(event.tenantId())) {
                        attackEventIds.add(event.trackingId());
                    }
                    producer.sendRaw(topics.sessionEvents(), event.key(), event.value(), event.timestamp());
                }

                List<Output> all = outputs.awaitAll(meant.keySet(), TIMEOUT);
                assertEachExactlyOnce(meant.keySet(), all);
                assertThat(all.stream().collect(Collectors.toMap(Output::input, Output::verdict)))
                        .as("each event's verdict is the one it was meant to get").isEqualTo(meant);

                assertThat(anomalies.awaitSettled(List.of(AnomalyKind.FORGERY_ATTEMPT,
                        AnomalyKind.SUBJECT_UNDER_ATTACK, AnomalyKind.TOKEN_REPLAY), Duration.ofSeconds(2), TIMEOUT))
                        .as("the attack's kinds on %s: %s", topics.anomalies(), anomalies.anomalies()).isTrue();
                List<SecurityAnomaly> read = anomalies.anomalies();

                assertThat(read).as("a HIGH forgery burst at stark, from the attacker's one IP")
                        .anySatisfy(a -> {
                            assertThat(a.getKind()).isEqualTo(AnomalyKind.FORGERY_ATTEMPT);
                            assertThat(a.getSeverity()).isEqualTo(AnomalySeverity.HIGH);
                            assertThat(a.getTenantId()).isEqualTo(DemoTenants.STARK);
                            assertThat(a.getKey()).isEqualTo("tenant:" + DemoTenants.STARK);
                            assertThat(a.getDetail()).contains("from one client IP");
                            assertThat(a.getSampleEventIds()).isNotEmpty().isSubsetOf(attackEventIds);
                        });
                assertThat(read).filteredOn(a -> a.getKind() == AnomalyKind.FORGERY_ATTEMPT)
                        .extracting(SecurityAnomaly::getTenantId)
                        .as("forgery only where forged tokens were sent: stark, and acme and globex whose usual "
                                + "mix has them; never the tenants whose tokens are not checked")
                        .isSubsetOf(DemoTenants.STARK, DemoTenants.ACME, DemoTenants.GLOBEX);
                assertThat(read).filteredOn(a -> a.getKind() == AnomalyKind.TOKEN_REPLAY)
                        .as("only the replayed stark token").isNotEmpty()
                        .allSatisfy(a -> assertThat(a.getTenantId()).isEqualTo(DemoTenants.STARK));
                assertThat(read).filteredOn(a -> a.getKind() == AnomalyKind.SUBJECT_UNDER_ATTACK)
                        .extracting(SecurityAnomaly::getTenantId).containsOnly(DemoTenants.STARK);
                assertThat(read).as("an anomaly that names an attack event is about stark")
                        .filteredOn(a -> a.getSampleEventIds().stream().anyMatch(attackEventIds::contains))
                        .allSatisfy(a -> assertThat(a.getTenantId()).isEqualTo(DemoTenants.STARK));
                assertThat(read).as("nothing at stark but the attack's kinds")
                        .filteredOn(a -> DemoTenants.STARK.equals(a.getTenantId()))
                        .extracting(SecurityAnomaly::getKind)
                        .containsOnly(AnomalyKind.FORGERY_ATTEMPT, AnomalyKind.SUBJECT_UNDER_ATTACK,
                                AnomalyKind.TOKEN_REPLAY);
            }
        }
    }
}
