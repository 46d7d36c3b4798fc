package io.identityaudit.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.identityaudit.avro.IdentityRejection;
import io.identityaudit.avro.VerifiedIdentity;
import io.identityaudit.avro.WidgetSessionEvent;
import io.identityaudit.avro.TenantSsoConfig;
import io.identityaudit.bench.BenchTraffic.BenchEvent;
import io.identityaudit.config.DomainPolicy;
import io.identityaudit.config.PipelineSettings;
import io.identityaudit.config.RetryPolicy;
import io.identityaudit.demo.LoopbackTls;
import io.identityaudit.demo.Outcome;
import io.identityaudit.demo.SimulatedOktaOrg;
import io.identityaudit.serde.Contracts;
import io.identityaudit.testing.PipelineFixture;
import io.identityaudit.token.ErrorCode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The benchmark's traffic mix: the planned share of rejections spread over the steady-state error codes, sessions
 * of about the asked length sharing one token, values of a realistic size, and every event getting from the real
 * topology the verdict it was planned to get.
 */
class BenchTrafficTest {

    static LoopbackTls tls;
    static List<SimulatedOktaOrg> orgs;
    static BenchTenants tenants;

    @BeforeAll
    static void startOrgs() {
        tls = LoopbackTls.create();
        orgs = List.of(SimulatedOktaOrg.start(tls), SimulatedOktaOrg.start(tls));
        tenants = new BenchTenants(orgs, 40, Instant.now().minus(Duration.ofMinutes(1)));
    }

    @AfterAll
    static void stopOrgs() {
        orgs.forEach(SimulatedOktaOrg::close);
    }

    static List<BenchEvent> drain(BenchTraffic traffic) {
        List<BenchEvent> events = new ArrayList<>();
        BenchTraffic.Cursor cursor = traffic.cursor(3, false);
        while (cursor.hasNext()) {
            events.add(cursor.next(Instant.now()));
        }
        return events;
    }

    @ParameterizedTest
    @ValueSource(ints = {100, 1_000, 200_000, 200_001})
    void tenPercentAreMeantToBeRejectedSpreadOverEverySteadyStateCode(int events) {
        Map<Outcome, Integer> intended = BenchTraffic.intendedCounts(events, 10);

        assertThat(intended.keySet()).filteredOn(o -> !o.verified()).extracting(Outcome::code)
                .containsExactlyInAnyOrderElementsOf(BenchTraffic.PRODUCED_CODES)
                .doesNotContain(ErrorCode.INTERNAL_ERROR, ErrorCode.JWKS_FETCH_FAILED);
        assertThat(intended.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(events);
        int rejected = events - intended.get(Outcome.VERIFIED);
        assertThat(rejected).isBetween(Math.max(BenchTraffic.PRODUCED_CODES.size(), events / 10 - 1),
                Math.max(BenchTraffic.PRODUCED_CODES.size(), events / 10 + 1));
        assertThat(intended.values()).allSatisfy(count -> assertThat(count).isPositive());
        int fewest = intended.entrySet().stream().filter(e -> !e.getKey().verified())
                .mapToInt(Map.Entry::getValue).min().orElseThrow();
        int most = intended.entrySet().stream().filter(e -> !e.getKey().verified())
                .mapToInt(Map.Entry::getValue).max().orElseThrow();
        assertThat(most - fewest).as("spread evenly").isLessThanOrEqualTo(1);
    }

    @Test
    void noRejectionsAtZeroPercent() {
        assertThat(BenchTraffic.intendedCounts(500, 0)).containsExactly(Map.entry(Outcome.VERIFIED, 500));
    }

    @Test
    void fewerEventsThanCodesAreRefused() {
        assertThatThrownBy(() -> BenchTraffic.intendedCounts(BenchTraffic.PRODUCED_CODES.size() - 1, 10))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sessionsOfAboutTheAskedLengthShareOneTokenInRealisticEvents() {
        BenchTraffic traffic = BenchTraffic.plan(tenants, 3_000, 10, 10, Instant.now(), 5, 2,
                new BenchTraffic.Minting());

        List<BenchEvent> events = drain(traffic);

        assertThat(events).hasSize(3_000);
        Map<Outcome, Integer> emitted = new LinkedHashMap<>();
        events.forEach(e -> emitted.merge(e.intended(), 1, Integer::sum));
        assertThat(emitted).isEqualTo(traffic.intended());

        Map<String, Set<String>> tokensBySession = new HashMap<>();
        Map<String, Integer> eventsBySession = new HashMap<>();
        Set<String> tenantsSeen = new HashSet<>();
        long verifiedBytes = 0;
        int verifiedEvents = 0;
        for (BenchEvent e : events) {
            if (e.intended().code() == ErrorCode.MALFORMED_EVENT) {
                continue;
            }
            WidgetSessionEvent event = Contracts.SESSION_EVENT.decode(e.value());
            assertThat(event.getSessionId()).isEqualTo(e.key());
            assertThat(event.getOccurredAt()).isEqualTo(e.occurredAt());
            tokensBySession.computeIfAbsent(e.key(), k -> new HashSet<>()).add(String.valueOf(event.getIdToken()));
            eventsBySession.merge(e.key(), 1, Integer::sum);
            tenantsSeen.add(event.getTenantId());
            if (e.intended().verified()) {
                verifiedBytes += e.value().length;
                verifiedEvents++;
            }
        }
        assertThat(tokensBySession.values()).as("a session's events share one token")
                .allSatisfy(tokens -> assertThat(tokens).hasSize(1));
        double meanLength = eventsBySession.values().stream().mapToInt(Integer::intValue).average().orElseThrow();
        assertThat(meanLength).as("mean session length").isBetween(8.0, 12.0);
        assertThat(verifiedBytes / verifiedEvents).as("mean value bytes of a genuine event").isBetween(1_000L, 1_500L);
        assertThat(tenantsSeen).as("traffic spread over the tenants").hasSizeGreaterThan(30);
    }

    @Test
    void everyEventGetsFromTheRealTopologyTheVerdictItWasPlannedToGet(@TempDir Path stateDir) {
        PipelineSettings settings = PipelineSettings.DEFAULTS
                .withDomainPolicy(new DomainPolicy(tenants.orgDomains())).withRetryPolicy(RetryPolicy.NONE);
        BenchTraffic traffic = BenchTraffic.plan(tenants, 700, 30, 4, Instant.now(), 9, 2,
                new BenchTraffic.Minting());
        Map<String, Long> planned = new HashMap<>();
        traffic.intended().forEach((outcome, count) -> planned.put(outcome.label(), count.longValue()));
        try (PipelineFixture pipeline = new PipelineFixture(settings, tls, stateDir)) {
            for (TenantSsoConfig config : tenants.configs()) {
                pipeline.saveTenant(config);
            }
            for (BenchEvent event : drain(traffic)) {
                pipeline.events.pipeInput(event.key(), event.value(), event.occurredAt());
            }

            Map<String, Long> verdicts = new HashMap<>();
            for (TestRecord<String, VerifiedIdentity> ignored : pipeline.verifiedRecords()) {
                verdicts.merge(Outcome.VERIFIED_LABEL, 1L, Long::sum);
            }
            for (TestRecord<String, IdentityRejection> record : pipeline.rejectedRecords()) {
                verdicts.merge(record.value().getErrorCode(), 1L, Long::sum);
            }

            assertThat(verdicts).isEqualTo(planned);
        }
    }
}
