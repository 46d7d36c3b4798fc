package io.identityaudit.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.identityaudit.avro.IdentityRejection;
import io.identityaudit.avro.VerifiedIdentity;
import io.identityaudit.config.DomainPolicy;
import io.identityaudit.token.ErrorCode;
import io.identityaudit.topology.Verdict;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link PipelineMetrics#onVerdict} without a pipeline: the counters it keeps for each label set are the
 * registry's, so every verdict lands in its one series, however many come.
 */
class PipelineMetricsCountersTest {

    static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    PipelineMetrics metrics(int tenantLimit) {
        return new PipelineMetrics(registry, new TenantLabels(tenantLimit), DomainPolicy.OKTA_ONLY,
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    static Verdict verified(String tenantId, Instant at) {
        VerifiedIdentity identity = new VerifiedIdentity();
        identity.setTenantId(tenantId);
        identity.setReferenceTime(at);
        return new Verdict.Verified(identity);
    }

    static Verdict rejected(ErrorCode code, String tenantId) {
        IdentityRejection rejection = new IdentityRejection();
        rejection.setErrorCode(code.name());
        rejection.setTenantId(tenantId);
        return new Verdict.Rejected("key", NOW.minusSeconds(2), rejection);
    }

    double count(String outcome, String code, String tenant) {
        Counter counter = registry.find(PipelineMetrics.VALIDATIONS).tag("outcome", outcome).tag("code", code)
                .tag("tenant", tenant).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void repeatedVerdictsAddUpInOneSeriesPerLabelSet() {
        PipelineMetrics metrics = metrics(TenantLabels.DEFAULT_LIMIT);
        int seriesAtStart = registry.find(PipelineMetrics.VALIDATIONS).counters().size();

        for (int i = 0; i < 3; i++) {
            metrics.onVerdict(verified("acme", NOW.minusSeconds(1)), 1_000);
            metrics.onVerdict(verified("beta", NOW.minusSeconds(1)), 1_000);
            metrics.onVerdict(rejected(ErrorCode.INVALID_ISSUER, "acme"), 2_000);
            metrics.onVerdict(rejected(ErrorCode.UNKNOWN_TENANT, "nobody"), 2_000);
        }
        metrics.onVerdict(verified(null, NOW.minusSeconds(1)), 1_000);

        assertThat(count("verified", "none", "acme")).isEqualTo(3);
        assertThat(count("verified", "none", "beta")).isEqualTo(3);
        assertThat(count("verified", "none", TenantLabels.UNKNOWN)).isEqualTo(1);
        assertThat(count("rejected", "INVALID_ISSUER", "acme")).isEqualTo(3);
        assertThat(count("rejected", "INVALID_ISSUER", TenantLabels.UNKNOWN)).isZero();
        assertThat(count("rejected", "UNKNOWN_TENANT", TenantLabels.UNKNOWN)).isEqualTo(3);
        assertThat(count("rejected", "UNKNOWN_TENANT", "nobody")).isZero();
        assertThat(registry.find(PipelineMetrics.VALIDATIONS).counters()).as("new series: acme, beta, acme's code")
                .hasSize(seriesAtStart + 3);
    }

    @Test
    void cappedTenantsShareTheOtherSeries() {
        PipelineMetrics metrics = metrics(1);

        metrics.onVerdict(verified("acme", NOW), 1);
        metrics.onVerdict(verified("beta", NOW), 1);
        metrics.onVerdict(verified("gamma", NOW), 1);
        metrics.onVerdict(rejected(ErrorCode.INVALID_AUDIENCE, "beta"), 1);

        assertThat(count("verified", "none", "acme")).isEqualTo(1);
        assertThat(count("verified", "none", TenantLabels.OTHER)).isEqualTo(2);
        assertThat(count("rejected", "INVALID_AUDIENCE", TenantLabels.OTHER)).isEqualTo(1);
    }

    @Test
    void durationsAndLagAreRecordedAsBefore() {
        PipelineMetrics metrics = metrics(TenantLabels.DEFAULT_LIMIT);

        metrics.onVerdict(verified("acme", NOW.minusSeconds(3)), 1_500_000);
        metrics.onVerdict(rejected(ErrorCode.INVALID_ISSUER, "acme"), 2_500_000);
        metrics.onVerdict(verified("acme", NOW.plusSeconds(5)), 0);

        Timer verifiedTimer = registry.get(PipelineMetrics.VALIDATION_DURATION).tag("outcome", "verified").timer();
        Timer rejectedTimer = registry.get(PipelineMetrics.VALIDATION_DURATION).tag("outcome", "rejected").timer();
        Timer lag = registry.get(PipelineMetrics.EVENT_TO_VERDICT).timer();
        assertThat(verifiedTimer.count()).isEqualTo(2);
        assertThat(verifiedTimer.totalTime(TimeUnit.NANOSECONDS)).isEqualTo(1_500_000);
        assertThat(rejectedTimer.totalTime(TimeUnit.NANOSECONDS)).isEqualTo(2_500_000);
        assertThat(lag.count()).isEqualTo(3);
        assertThat(lag.totalTime(TimeUnit.SECONDS)).as("3 s, 2 s, and a verdict before its event counts 0")
                .isEqualTo(5);
        assertThat(lag.max(TimeUnit.SECONDS)).isEqualTo(3);
    }
}
