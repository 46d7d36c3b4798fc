package io.identityaudit.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.nimbusds.jwt.SignedJWT;
import io.identityaudit.avro.AnomalyKind;
import io.identityaudit.avro.AnomalySeverity;
import io.identityaudit.avro.IdentityRejection;
import io.identityaudit.avro.SecurityAnomaly;
import io.identityaudit.avro.TenantSsoConfig;
import io.identityaudit.avro.VerifiedIdentity;
import io.identityaudit.avro.WidgetSessionEvent;
import io.identityaudit.config.DomainPolicy;
import io.identityaudit.config.PipelineSettings;
import io.identityaudit.config.RetryPolicy;
import io.identityaudit.demo.DemoTraffic.DemoEvent;
import io.identityaudit.serde.Contracts;
import io.identityaudit.testing.PipelineFixture;
import io.identityaudit.token.ErrorCode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The demo traffic's mix, without Kafka: every error code the pipeline can produce is represented, the counts add
 * up, and each event gets from the real topology exactly the verdict it was meant to get.
 */
class DemoTrafficTest {

    static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");

    static LoopbackTls tls;
    static SimulatedOktaOrg org;
    static SimulatedOktaOrg downOrg;

    @BeforeAll
    static void startOrgs() {
        tls = LoopbackTls.create();
        org = SimulatedOktaOrg.start(tls);
        downOrg = SimulatedOktaOrg.start(tls);
        downOrg.failWith(503);
    }

    @AfterAll
    static void stopOrgs() {
        org.close();
        downOrg.close();
    }

    static List<DemoEvent> drain(DemoTraffic traffic) {
        List<DemoEvent> events = new ArrayList<>();
        while (traffic.hasNext()) {
            events.add(traffic.next());
        }
        return events;
    }

    @ParameterizedTest
    @ValueSource(ints = {DemoTraffic.MIN_EVENTS, 21, 300, 2000, 2001, 100_000})
    void intendedMixCoversEveryCodeButInternalErrorAndAddsUpToTheEventCount(int events) {
        Map<Outcome, Integer> intended = DemoTraffic.intendedCounts(events);

        Set<ErrorCode> producible = Arrays.stream(ErrorCode.values())
                .filter(code -> code != ErrorCode.INTERNAL_ERROR)
                .collect(Collectors.toSet());
        assertThat(intended.keySet()).filteredOn(o -> !o.verified()).extracting(Outcome::code)
                .containsExactlyInAnyOrderElementsOf(producible);
        assertThat(intended).containsKey(Outcome.VERIFIED);
        assertThat(intended.values()).allSatisfy(count -> assertThat(count).isPositive());
        assertThat(intended.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(events);
        assertThat(intended.get(Outcome.VERIFIED)).as("most events are genuine")
                .isGreaterThanOrEqualTo(events >= 100 ? events * (100 - DemoTraffic.REJECTED_PERCENT) / 100 - 1 : 5);
    }

    @Test
    void minimumLeavesRoomForEveryCodeAndSomeVerifiedEvents() {
        assertThat(DemoTraffic.MIN_EVENTS).isGreaterThanOrEqualTo(DemoTraffic.PRODUCED_CODES.size() + 5);
    }

    @Test
    void fewerEventsThanCodesAreRefused() {
        assertThatThrownBy(() -> DemoTraffic.intendedCounts(DemoTraffic.MIN_EVENTS - 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least " + DemoTraffic.MIN_EVENTS);
    }

    @Test
    void generatorEmitsExactlyTheIntendedMixInSessionsOfRealisticEvents() {
        DemoTenants tenants = new DemoTenants(org, downOrg, NOW.minus(Duration.ofMinutes(1)));
        DemoTraffic traffic = new DemoTraffic(tenants, 500, Clock.fixed(NOW, ZoneOffset.UTC), new Random(7));

        List<DemoEvent> events = drain(traffic);

        assertThat(events).hasSize(500);
        assertThat(traffic.hasNext()).isFalse();
        Map<Outcome, Integer> emitted = new LinkedHashMap<>();
        events.forEach(e -> emitted.merge(e.intended(), 1, Integer::sum));
        assertThat(emitted).isEqualTo(traffic.intended()).isEqualTo(DemoTraffic.intendedCounts(500));
        assertThat(events).extracting(DemoEvent::trackingId).doesNotHaveDuplicates();
        assertThat(events).allSatisfy(e -> assertThat(e.timestamp()).isEqualTo(NOW));

        Map<String, Set<String>> tokensBySession = new HashMap<>();
        for (DemoEvent e : events) {
            if (e.intended().code() == ErrorCode.MALFORMED_EVENT) {
                continue;
            }
            WidgetSessionEvent event = Contracts.SESSION_EVENT.decode(e.value());
            assertThat(event.getEventId()).isEqualTo(e.trackingId());
            assertThat(event.getSessionId()).isEqualTo(e.key());
            assertThat(event.getOccurredAt()).isEqualTo(NOW);
            assertThat(event.getClientIp()).matches("(127\\.0\\.0|203\\.0\\.113|198\\.51\\.100)\\.\\d{1,3}");
            assertThat(event.getUserAgent()).startsWith("Mozilla/5.0 (");
            assertThat(event.getOrigin()).startsWith("https://").endsWith(".example");
            tokensBySession.computeIfAbsent(event.getSessionId(), k -> new HashSet<>())
                    .add(String.valueOf(event.getIdToken()));
        }
        assertThat(tokensBySession.values()).as("a session's events share one token")
                .allSatisfy(tokens -> assertThat(tokens).hasSize(1));
        assertThat(tokensBySession).as("sessions of several events").hasSizeLessThan(events.size() / 2);
    }

    @Test
    void injectedAttackIsTakenOutOfTheEventCountAndAddsToTheIntendedMix() {
        Map<Outcome, Integer> plain = DemoTraffic.intendedCounts(500 - DemoTraffic.ATTACK_EVENTS);
        DemoTraffic traffic = new DemoTraffic(new DemoTenants(org, downOrg, NOW), 500,
                Clock.fixed(NOW, ZoneOffset.UTC), new Random(3), true);

        assertThat(traffic.total()).isEqualTo(500);
        assertThat(traffic.intended().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(500);
        assertThat(traffic.intended().get(Outcome.VERIFIED))
                .isEqualTo(plain.get(Outcome.VERIFIED) + DemoTraffic.ATTACK_REPLAYS);
        assertThat(traffic.intended().get(Outcome.rejected(ErrorCode.INVALID_SIGNATURE)))
                .isEqualTo(plain.get(Outcome.rejected(ErrorCode.INVALID_SIGNATURE)) + DemoTraffic.ATTACK_FORGED);
        assertThat(DemoTraffic.minEvents(true)).isEqualTo(DemoTraffic.MIN_EVENTS + DemoTraffic.ATTACK_EVENTS);
        assertThatThrownBy(() -> new DemoTraffic(new DemoTenants(org, downOrg, NOW), DemoTraffic.minEvents(true) - 1,
                Clock.fixed(NOW, ZoneOffset.UTC), new Random(3), true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least " + DemoTraffic.minEvents(true));
    }

    @Test
    void injectedAttackIsOneBlockOfForgedTokensFromOneIpAndAGenuineTokenReplayedByCurl() throws Exception {
        DemoTenants tenants = new DemoTenants(org, downOrg, NOW.minus(Duration.ofMinutes(1)));
        DemoTraffic traffic = new DemoTraffic(tenants, 300, Clock.fixed(NOW, ZoneOffset.UTC), new Random(5), true);

        List<DemoEvent> events = drain(traffic);

        assertThat(events).hasSize(300);
        Map<Outcome, Integer> emitted = new LinkedHashMap<>();
        events.forEach(e -> emitted.merge(e.intended(), 1, Integer::sum));
        assertThat(emitted).isEqualTo(traffic.intended());
        List<Integer> positions = new ArrayList<>();
        List<WidgetSessionEvent> attack = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            if (DemoTenants.STARK.equals(events.get(i).tenantId())) {
                positions.add(i);
                attack.add(Contracts.SESSION_EVENT.decode(events.get(i).value()));
            }
        }
        assertThat(positions).as("only the attack goes to stark, in one block after a third of the traffic")
                .hasSize(DemoTraffic.ATTACK_EVENTS)
                .startsWith((300 - DemoTraffic.ATTACK_EVENTS) / 3)
                .endsWith((300 - DemoTraffic.ATTACK_EVENTS) / 3 + DemoTraffic.ATTACK_EVENTS - 1);
        assertThat(attack).extracting(WidgetSessionEvent::getSessionId).as("a session per event")
                .doesNotHaveDuplicates();

        List<DemoEvent> forged = events.stream().filter(e -> DemoTenants.STARK.equals(e.tenantId())
                && !e.intended().verified()).toList();
        List<WidgetSessionEvent> forgedEvents = forged.stream()
                .map(e -> Contracts.SESSION_EVENT.decode(e.value())).toList();
        assertThat(forged).hasSize(DemoTraffic.ATTACK_FORGED)
                .allSatisfy(e -> assertThat(e.intended()).isEqualTo(Outcome.rejected(ErrorCode.INVALID_SIGNATURE)));
        assertThat(forgedEvents).allSatisfy(e -> {
            assertThat(e.getClientIp()).isEqualTo(DemoTraffic.ATTACKER_IP);
            assertThat(e.getUserAgent()).startsWith("python-requests/");
            SignedJWT token = SignedJWT.parse(e.getIdToken());
            assertThat(token.getJWTClaimsSet().getIssuer()).as("claims the tenant's own org").isEqualTo(org.issuer());
            assertThat(token.getJWTClaimsSet().getAudience())
                    .containsExactly(tenants.get(DemoTenants.STARK).clientId());
            assertThat(token.getHeader().getKeyID()).as("under the org's key id")
                    .isEqualTo(org.signingKey().getKeyID());
        });
        assertThat(forgedEvents).extracting(e -> SignedJWT.parse(e.getIdToken()).getJWTClaimsSet().getSubject())
                .as("all for one user").containsOnly(
                        SignedJWT.parse(forgedEvents.get(0).getIdToken()).getJWTClaimsSet().getSubject());

        List<WidgetSessionEvent> replayed = attack.stream()
                .filter(e -> !DemoTraffic.ATTACKER_IP.equals(e.getClientIp())).toList();
        assertThat(replayed).hasSize(DemoTraffic.ATTACK_REPLAYS)
                .extracting(WidgetSessionEvent::getIdToken).as("one genuine token").containsOnly(
                        replayed.get(0).getIdToken());
        assertThat(replayed.get(0).getUserAgent()).as("first from its user's browser").startsWith("Mozilla/5.0");
        assertThat(replayed.subList(1, replayed.size())).allSatisfy(e -> {
            assertThat(e.getUserAgent()).startsWith("curl/");
            assertThat(e.getClientIp()).isNotEqualTo(replayed.get(0).getClientIp());
        });
        assertThat(replayed).extracting(WidgetSessionEvent::getClientIp).doesNotHaveDuplicates();
    }

    @Test
    void injectedAttackGetsItsVerdictsAndAnomaliesFromTheRealTopology(@TempDir Path stateDir) {
        DemoTenants tenants = new DemoTenants(org, downOrg, Instant.now().minus(Duration.ofMinutes(1)));
        DemoTraffic traffic = new DemoTraffic(tenants, 200, Clock.systemUTC(), new Random(13), true);

        try (PipelineFixture pipeline = judge(tenants, traffic, stateDir)) {
            List<SecurityAnomaly> anomalies = pipeline.anomalies.readValuesToList();
            assertThat(anomalies).filteredOn(a -> DemoTenants.STARK.equals(a.getTenantId()))
                    .extracting(SecurityAnomaly::getKind, SecurityAnomaly::getSeverity)
                    .contains(tuple(AnomalyKind.FORGERY_ATTEMPT, AnomalySeverity.HIGH),
                            tuple(AnomalyKind.SUBJECT_UNDER_ATTACK, AnomalySeverity.MEDIUM),
                            tuple(AnomalyKind.TOKEN_REPLAY, AnomalySeverity.CRITICAL));
        }
    }

    /** Saves the demo tenants, pipes the whole traffic in and checks each event's one verdict against its intent. */
    private static PipelineFixture judge(DemoTenants tenants, DemoTraffic traffic, Path stateDir) {
        PipelineSettings settings = PipelineSettings.DEFAULTS
                .withDomainPolicy(new DomainPolicy(tenants.orgDomains())).withRetryPolicy(RetryPolicy.NONE);
        Map<String, Outcome> intended = new HashMap<>();
        PipelineFixture pipeline = new PipelineFixture(settings, tls, stateDir);
        try {
            for (TenantSsoConfig config : tenants.configs()) {
                pipeline.saveTenant(config);
            }
            for (DemoEvent event : drain(traffic)) {
                intended.put(event.trackingId(), event.intended());
                pipeline.events.pipeInput(event.key(), event.value(), event.timestamp());
            }
            assertOneVerdictEachAsIntended(pipeline, intended);
            return pipeline;
        } catch (RuntimeException | AssertionError e) {
            pipeline.close();
            throw e;
        }
    }

    @Test
    void everyEventGetsFromTheRealTopologyTheVerdictItWasMeantToGet(@TempDir Path stateDir) {
        DemoTenants tenants = new DemoTenants(org, downOrg, Instant.now().minus(Duration.ofMinutes(1)));
        DemoTraffic traffic = new DemoTraffic(tenants, 600, Clock.systemUTC(), new Random(11));
        judge(tenants, traffic, stateDir).close();
    }

    private static void assertOneVerdictEachAsIntended(PipelineFixture pipeline, Map<String, Outcome> intended) {
        Map<String, String> verdicts = new HashMap<>();
        List<String> duplicates = new ArrayList<>();
        for (TestRecord<String, VerifiedIdentity> record : pipeline.verifiedRecords()) {
            if (verdicts.put(record.value().getEventId(), Outcome.VERIFIED_LABEL) != null) {
                duplicates.add(record.value().getEventId());
            }
        }
        for (TestRecord<String, IdentityRejection> record : pipeline.rejectedRecords()) {
            IdentityRejection rejection = record.value();
            String id = rejection.getEventId() != null ? rejection.getEventId() : record.key();
            if (verdicts.put(id, rejection.getErrorCode()) != null) {
                duplicates.add(id);
            }
        }

        assertThat(duplicates).isEmpty();
        assertThat(verdicts).hasSameSizeAs(intended);
        Map<String, String> meant = intended.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().label()));
        assertThat(verdicts).isEqualTo(meant);
    }
}
