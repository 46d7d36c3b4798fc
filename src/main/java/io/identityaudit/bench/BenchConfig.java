package io.identityaudit.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What one benchmark run does.
 *
 * @param events          events pre-produced to the input topic, read by every measured step
 * @param tenants         tenants that save a configuration (one in a hundred more never does)
 * @param orgs            simulated Okta orgs the tenants are spread over
 * @param sessionLength   mean events per session (they share one token)
 * @param invalidPercent  share of events meant to be rejected
 * @param partitions      partitions of the input and output topics
 * @param streamThreads   stream threads of both the pass-through and the pipeline
 * @param instances       instances of each topology in this process, sharing one application id (2: how a second
 *                        instance scales)
 * @param rounds          measured rounds, each one pass-through, one pipeline and (with {@code floor}) one
 *                        signature floor step
 * @param warmupRounds    unmeasured rounds of every topology before the measured ones (0: none)
 * @param floor           run the {@link SignatureFloorTopology signature floor} too, in every round
 * @param latencyRate     events per second of the latency run; 0: half the pipeline's measured rate; negative:
 *                        no latency run
 * @param latencyDuration how long the latency run produces
 * @param latencyWarmup   how long at the start of the latency run does not count for the steady-state figures
 * @param stepTimeout     longest a step may take before the run fails
 * @param embeddedPort    port of the embedded broker (0: any free one)
 * @param dataDir         the broker's log and the Streams state
 * @param seed            decides the traffic plan
 * @param streamsOverrides Kafka Streams (or client) properties applied to both topologies alike, for experiments
 */
public record BenchConfig(int events, int tenants, int orgs, int sessionLength, int invalidPercent, int partitions,
                          int streamThreads, int instances, int rounds, int warmupRounds, boolean floor, int latencyRate,
                          Duration latencyDuration,
                          Duration latencyWarmup, Duration stepTimeout, int embeddedPort, Path dataDir, long seed,
                          Map<String, String> streamsOverrides) {

    public BenchConfig {
        Objects.requireNonNull(latencyDuration, "latencyDuration");
        Objects.requireNonNull(latencyWarmup, "latencyWarmup");
        Objects.requireNonNull(stepTimeout, "stepTimeout");
        Objects.requireNonNull(dataDir, "dataDir");
        streamsOverrides = Map.copyOf(streamsOverrides);
        require(events >= BenchTraffic.PRODUCED_CODES.size(), "--events must be at least "
                + BenchTraffic.PRODUCED_CODES.size() + " (one per error code)");
        require(tenants >= BenchTenants.MIN_TENANTS, "--tenants must be at least " + BenchTenants.MIN_TENANTS);
        require(orgs >= 1, "--orgs must be at least 1");
        require(sessionLength >= 1, "--session-length must be at least 1");
        require(invalidPercent >= 0 && invalidPercent <= 100, "--invalid-percent must be 0..100");
        require(partitions >= 1, "--partitions must be at least 1");
        require(streamThreads >= 1, "--stream-threads must be at least 1");
        require(instances >= 1, "--instances must be at least 1");
        require(rounds >= 1, "--rounds must be at least 1");
        require(warmupRounds >= 0, "--warmup-rounds must not be negative");
        require(latencyDuration.compareTo(latencyWarmup) > 0,
                "--latency-duration must be longer than --latency-warmup");
        require(!latencyWarmup.isNegative(), "--latency-warmup must not be negative");
        require(!stepTimeout.isNegative() && !stepTimeout.isZero(), "--step-timeout must be positive");
        require(embeddedPort >= 0 && embeddedPort <= 65_535, "--embedded-port must be 0..65535");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    public boolean latencyRun() {
        return latencyRate >= 0;
    }
}
