package io.identityaudit.cli;

import io.identityaudit.bench.BenchConfig;
import io.identityaudit.bench.BenchReport;
import io.identityaudit.bench.EndToEndBench;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "End-to-end benchmark on this machine: how fast the pipeline judges a realistic mix of events next to "
                        + "what Kafka Streams itself can carry, in one process and one run.",
                "",
                "Starts an embedded Kafka broker and simulated Okta orgs on loopback over HTTPS, saves the tenants' "
                        + "configs, pre-produces the events (sessions sharing one token, a share meant to be "
                        + "rejected, spread over the error codes), then times a pass-through topology (every record "
                        + "copied unchanged: the physical limit) and the real pipeline on the same topic, with the "
                        + "same partitions, exactly_once_v2 and stream threads, each until every output is "
                        + "committed. Between the two runs the signature floor: the pass-through plus decoding each "
                        + "event, fingerprinting its token and checking each new token's RS256 signature, the "
                        + "least any pipeline must do, so the most it can reach. Rounds alternate the order "
                        + "(pass-through first, then pipeline first, ...), after unmeasured warm-up rounds of all. A last run produces at half the "
                        + "pipeline's rate and times every event until a read_committed consumer sees its verdict.",
                "",
                "Prints events/s of each and the pipeline's ratio to the pass-through (target >= 0.8) next to the "
                        + "floor's, p50/p99 event-to-verdict latency "
                        + "(target p99 < 250 ms), CPU per event split by thread group, and peak heap. Everything "
                        + "runs in this JVM: give it the heap you mean to measure with (java -Xmx...). Data goes to "
                        + "a fresh temporary directory, deleted at the end, unless --data-dir is given."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:done; the ratio and latency targets were met and every output was as planned",
                "1:done, but a target was missed or an output differs from the plan",
                "2:usage error",
                "3:failure: the broker or a topology did not start or died, timeout, Ctrl-C"})
final class BenchCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(BenchCommand.class);

    @ParentCommand
    IdentityAuditCommand root;

    @Spec
    CommandSpec spec;

    @Option(names = "--events", paramLabel = "N", defaultValue = "200000",
            description = "Events pre-produced and read by every measured step (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--tenants", paramLabel = "N", defaultValue = "300",
            description = "Tenants that save an SSO configuration; one in a hundred is switched off, one in a "
                    + "hundred saved an invalid domain, and one in a hundred more never saved one "
                    + "(default: ${DEFAULT-VALUE}).")
    int tenants;

    @Option(names = "--orgs", paramLabel = "N", defaultValue = "10",
            description = "Simulated Okta orgs (one HTTPS server and key set each) the tenants are spread over "
                    + "(default: ${DEFAULT-VALUE}).")
    int orgs;

    @Option(names = "--session-length", paramLabel = "N", defaultValue = "10",
            description = "Mean events per session; a session's events share one token (default: ${DEFAULT-VALUE}).")
    int sessionLength;

    @Option(names = "--invalid-percent", paramLabel = "P", defaultValue = "10",
            description = "Share of events meant to be rejected, spread evenly over the error codes but "
                    + "INTERNAL_ERROR and JWKS_FETCH_FAILED (default: ${DEFAULT-VALUE}).")
    int invalidPercent;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "4",
            description = "Partitions of the input and output topics (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--stream-threads", paramLabel = "N", defaultValue = "1",
            description = "Stream threads of both topologies (default: ${DEFAULT-VALUE}; 2 to see how it scales).")
    int streamThreads;

    @Option(names = "--instances", paramLabel = "N", defaultValue = "1",
            description = "Instances of both topologies in this process, with the same application id, so they "
                    + "share the partitions as separate machines would (default: ${DEFAULT-VALUE}; 2 to see how a "
                    + "second instance scales).")
    int instances;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "2",
            description = "Measured rounds of one pass-through, one signature floor (see --floor) and one pipeline "
                    + "step each (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--warmup-rounds", paramLabel = "N", defaultValue = "2",
            description = "Unmeasured rounds of every topology first, so that neither pays the fresh JVM's JIT "
                    + "compilation (seconds of it on two cores) during a measured step; 0 skips them "
                    + "(default: ${DEFAULT-VALUE}).")
    int warmupRounds;

    @Option(names = "--floor", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also time, in every round, the signature floor: the pass-through plus only what every "
                    + "implementation of the token rules must do per event (decode the event, fingerprint the "
                    + "token, check the RS256 signature of each token not seen before). Its ratio to the "
                    + "pass-through is the highest pipeline ratio reachable on this machine. About 10 s a round; "
                    + "--no-floor skips it (default: on).")
    boolean floor;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "0",
            description = "Events per second of the latency run; 0: half the pipeline's measured rate "
                    + "(default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--latency-duration", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "30s", description = "How long the latency run produces (default: ${DEFAULT-VALUE}).")
    Duration latencyDuration;

    @Option(names = "--latency-warmup", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "5s", description = "Start of the latency run left out of the steady-state figures: a "
                    + "fresh pipeline fetches key sets and meets every token for the first time "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration latencyWarmup;

    @Option(names = "--no-latency-run", description = "Skip the latency run.")
    boolean noLatencyRun;

    @Option(names = "--step-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "10m", description = "Longest a step may take (default: ${DEFAULT-VALUE}).")
    Duration stepTimeout;

    @Option(names = "--embedded-port", paramLabel = "PORT", defaultValue = "0",
            description = "Port of the embedded broker on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int embeddedPort;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Keep the broker's log and the Streams state here (default: a temporary directory, "
                    + "deleted at the end).")
    Path dataDir;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "Decides the traffic plan, so runs compare like for like (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--streams-property", paramLabel = "KEY=VALUE",
            description = "A Kafka Streams or client property for both topologies alike, to try a setting "
                    + "(e.g. max.task.idle.ms=-1). Repeatable.")
    Map<String, String> streamsProperties = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        BenchConfig config;
        Path dir = dataDir != null ? dataDir.toAbsolutePath()
                : Files.createTempDirectory("identity-audit-bench-").toAbsolutePath();
        try {
            config = new BenchConfig(events, tenants, orgs, sessionLength, invalidPercent, partitions,
                    streamThreads, instances, rounds, warmupRounds, floor, noLatencyRun ? -1 : rate, latencyDuration, latencyWarmup,
                    stepTimeout, embeddedPort, dir, seed, streamsProperties);
            if (rate < 0) {
                throw new IllegalArgumentException("--rate must not be negative");
            }
        } catch (IllegalArgumentException e) {
            deleteUnlessKept(dir);
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        ShutdownSignal signal = root.installShutdownSignal();
        int exitCode = ExitCode.FAILED;
        try {
            BenchReport report = new EndToEndBench(config, err, System.console() != null, signal::requested).run();
            report.print(out);
            exitCode = report.ratioMet() && report.latencyMet() && report.outputsAsIntended()
                    ? ExitCode.OK : ExitCode.REFUSED;
            return exitCode;
        } catch (CancellationException e) {
            err.println();
            err.println("identity-audit bench: stopped before the end; no figures.");
            return exitCode;
        } catch (Exception e) {
            err.println();
            err.println("identity-audit bench failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            log.error("The benchmark failed", e);
            return exitCode;
        } finally {
            deleteUnlessKept(dir);
            out.flush();
            err.flush();
            signal.done(exitCode);
        }
    }

    private void deleteUnlessKept(Path dir) {
        if (dataDir != null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            log.warn("Could not delete the benchmark's temporary directory {}: {}", dir, e.toString());
        }
    }
}
