package io.identityaudit.bench;

import io.identityaudit.avro.IdentityRejection;
import io.identityaudit.avro.VerifiedIdentity;
import io.identityaudit.config.DomainPolicy;
import io.identityaudit.metrics.PipelineMetrics;
import io.identityaudit.metrics.TenantLabels;
import io.identityaudit.token.ErrorCode;
import io.identityaudit.topology.Verdict;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What {@link PipelineMetrics#onVerdict} costs the stream thread per verdict, on the Prometheus registry the
 * process uses, and, as the baseline, the meter lookup it made for every verdict before it kept its counters
 * ({@code Counter.builder(...).tag(...).register(registry)}). Run: {@code java -jar target/benchmarks.jar
 * VerdictMetricsBenchmark}; ns/op is 10^9 / ops/s.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
public class VerdictMetricsBenchmark {

    @State(Scope.Benchmark)
    public static class Metrics {

        PrometheusMeterRegistry registry;
        PipelineMetrics metrics;
        Verdict verified;
        Verdict rejected;

        @Setup(Level.Trial)
        public void build() {
            registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            metrics = new PipelineMetrics(registry, new TenantLabels(TenantLabels.DEFAULT_LIMIT),
                    DomainPolicy.OKTA_ONLY, Clock.systemUTC());
            VerifiedIdentity identity = new VerifiedIdentity();
            identity.setTenantId("tenant-acme");
            identity.setReferenceTime(Instant.now());
            verified = new Verdict.Verified(identity);
            IdentityRejection rejection = new IdentityRejection();
            rejection.setErrorCode(ErrorCode.INVALID_SIGNATURE.name());
            rejection.setTenantId("tenant-acme");
            rejected = new Verdict.Rejected("key", Instant.now(), rejection);
        }
    }

    @Benchmark
    public void onVerdictVerified(Metrics m) {
        m.metrics.onVerdict(m.verified, 50_000);
    }

    @Benchmark
    public void onVerdictRejected(Metrics m) {
        m.metrics.onVerdict(m.rejected, 50_000);
    }

    /** The baseline: the lookup alone that every verdict used to make before its counter was kept. */
    @Benchmark
    public Counter counterBuilderRegister(Metrics m) {
        return Counter.builder(PipelineMetrics.VALIDATIONS)
                .description("Events judged, by outcome, error code and tenant")
                .tag("outcome", "verified")
                .tag("code", PipelineMetrics.NO_ERROR)
                .tag("tenant", "tenant-acme")
                .register(m.registry);
    }
}
