package io.identityaudit.bench;

import io.identityaudit.bench.LatencyHistogram.Summary;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * The figures of one benchmark run, and how they are printed.
 *
 * @param warmup  the unmeasured warm-up steps (may be empty)
 * @param latency the paced latency run; empty when it was turned off
 */
public record BenchReport(BenchConfig config, Machine machine, TrafficFigures traffic, List<Step> warmup,
                          List<Round> rounds, Optional<Latency> latency) {

    public static final double RATIO_TARGET = 0.8;
    public static final long P99_TARGET_MILLIS = 250;

    public static final String PASS_THROUGH = "pass-through";
    public static final String PIPELINE = "pipeline";
    public static final String SIGNATURE_FLOOR = "signature floor";

    public BenchReport {
        warmup = List.copyOf(warmup);
        rounds = List.copyOf(rounds);
    }

    /**
     * The machine as the JVM sees it.
     *
     * @param loadBefore 1-minute load average before the broker started (others' work); -1 if unknown
     * @param loadAfter  1-minute load average at the end (includes this run)
     */
    public record Machine(int cores, String cpuModel, String java, long maxHeapBytes, String garbageCollectors,
                          double loadBefore, double loadAfter) {
    }

    /** The traffic as planned and produced. */
    public record TrafficFigures(int events, int tenantsSaved, int orgs, int sessions, long tokens,
                                 double meanValueBytes, int invalidPercent) {
    }

    /**
     * One topology reading the whole input topic once.
     *
     * @param startup        from start() until Kafka Streams reported RUNNING
     * @param processing     from RUNNING until every input offset was committed (with its outputs: exactly-once)
     * @param cpuByGroup     process CPU time during start-up and processing, by thread group
     * @param judgingNanos   time spent in the pipeline's verifier (0 for the pass-through and the floor)
     * @param peakHeapBytes  highest heap use sampled every 50 ms
     * @param jitMillis      time the JIT compilers spent meanwhile (part of the gc-jit-vm CPU)
     * @param outputRecords  records on the output topics, read back with read_committed after the step
     * @param asIntended     the pass-through and the floor: one output per input; the pipeline: exactly the
     *                       verdicts planned
     * @param checkDetail    what differed, when something did
     * @param signatures     the floor: the RS256 signatures it checked; zero for the others
     */
    public record Step(String topology, String label, long events, Duration startup, Duration processing,
                       long processCpuNanos, Map<String, Long> cpuByGroup, long judgingNanos, long peakHeapBytes,
                       long gcCount, long gcMillis, long jitMillis, long retries, long outputRecords,
                       boolean asIntended, String checkDetail, Signatures signatures) {

        /** The same step with the signatures the floor checked. */
        public Step withSignatures(Signatures checked) {
            return new Step(topology, label, events, startup, processing, processCpuNanos, cpuByGroup, judgingNanos,
                    peakHeapBytes, gcCount, gcMillis, jitMillis, retries, outputRecords, asIntended, checkDetail,
                    checked);
        }

        public double eventsPerSecond() {
            return events / seconds(processing);
        }

        /** Events per second counting the start-up too. */
        public double eventsPerSecondFromStart() {
            return events / seconds(startup.plus(processing));
        }

        public double cpuMicrosPerEvent() {
            return processCpuNanos / 1e3 / events;
        }

        public double groupMicrosPerEvent(String group) {
            return cpuByGroup.getOrDefault(group, 0L) / 1e3 / events;
        }

        public double judgingMicrosPerEvent() {
            return judgingNanos / 1e3 / events;
        }
    }

    /**
     * RS256 signatures the signature floor checked in one step.
     *
     * @param valid how many of them were genuine
     */
    public record Signatures(long checked, long valid) {

        public static final Signatures NONE = new Signatures(0, 0);
    }

    /**
     * One pass-through step, one pipeline step and, when it ran, one signature floor step on the same input. They
     * ran pass-through, floor, pipeline when {@code passThroughFirst}, else pipeline, floor, pass-through.
     */
    public record Round(int number, boolean passThroughFirst, Step passThrough, Step pipeline, Optional<Step> floor) {

        public Round(int number, boolean passThroughFirst, Step passThrough, Step pipeline) {
            this(number, passThroughFirst, passThrough, pipeline, Optional.empty());
        }

        public double ratio() {
            return pipeline.eventsPerSecond() / passThrough.eventsPerSecond();
        }

        /** Floor / pass-through: the highest {@link #ratio()} an implementation could reach in this round. */
        public Optional<Double> floorRatio() {
            return floor.map(f -> f.eventsPerSecond() / passThrough.eventsPerSecond());
        }

        public List<Step> inOrder() {
            List<Step> steps = new ArrayList<>();
            steps.add(passThroughFirst ? passThrough : pipeline);
            floor.ifPresent(steps::add);
            steps.add(passThroughFirst ? pipeline : passThrough);
            return List.copyOf(steps);
        }
    }

    /**
     * The paced run: events produced at a steady rate while the pipeline runs, each timed from its timestamp (when
     * it was produced) to the moment a read_committed consumer saw its verdict.
     *
     * @param committed        steady state (after the warm-up), as a downstream consumer sees verdicts
     * @param committedAll     every event, the warm-up included (cold caches, first JWKS requests)
     * @param emitted          steady state, to the moment the pipeline emitted the verdict (before the commit)
     */
    public record Latency(int targetRate, double producedRate, long events, long verdicts, Duration duration,
                          Duration warmup, Summary committed, Summary committedAll, Summary emitted,
                          long processCpuNanos, Map<String, Long> cpuByGroup, long peakHeapBytes, long gcMillis) {

        public double cpuMicrosPerEvent() {
            return processCpuNanos / 1e3 / Math.max(1, events);
        }

        public double groupMicrosPerEvent(String group) {
            return cpuByGroup.getOrDefault(group, 0L) / 1e3 / Math.max(1, events);
        }

        public boolean complete() {
            return verdicts >= events;
        }
    }

    /** The median of the rounds' pipeline/pass-through ratios (the mean of the two middle ones when even). */
    public double medianRatio() {
        return median(rounds.stream().map(Round::ratio).toList());
    }

    /** The median of the rounds' floor/pass-through ratios; empty when the floor did not run. */
    public Optional<Double> medianFloorRatio() {
        List<Double> ratios = rounds.stream().flatMap(r -> r.floorRatio().stream()).toList();
        return ratios.isEmpty() ? Optional.empty() : Optional.of(median(ratios));
    }

    public double medianRate(String topology) {
        return median(rounds.stream().flatMap(r -> r.inOrder().stream())
                .filter(step -> step.topology().equals(topology)).map(Step::eventsPerSecond).toList());
    }

    public boolean ratioMet() {
        return medianRatio() >= RATIO_TARGET;
    }

    /** True when there was no latency run, or its steady-state p99 was under the target. */
    public boolean latencyMet() {
        return latency.map(l -> l.complete() && l.committed().p99() < P99_TARGET_MILLIS).orElse(true);
    }

    /** Every measured step's outputs were exactly what was planned. */
    public boolean outputsAsIntended() {
        return rounds.stream().allMatch(r -> r.inOrder().stream().allMatch(Step::asIntended))
                && warmup.stream().allMatch(Step::asIntended);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int n = sorted.size();
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double seconds(Duration duration) {
        return Math.max(1e-9, duration.toNanos() / 1e9);
    }

    // --- printing ----------------------------------------------------------------------------------------------

    public void print(PrintWriter out) {
        out.println();
        out.printf(Locale.ROOT, "identity-audit bench: %,d events (%,d sessions, %,d tokens, values %.0f bytes on "
                        + "average), %,d tenants over %d orgs, %d%% meant to be rejected%n", traffic.events(),
                traffic.sessions(), traffic.tokens(), traffic.meanValueBytes(), traffic.tenantsSaved(),
                traffic.orgs(), traffic.invalidPercent());
        out.printf(Locale.ROOT, "Kafka Streams exactly_once_v2, %d partitions, %d instance%s of %d stream thread%s "
                        + "for every topology, embedded single-node broker in this JVM%n", config.partitions(),
                config.instances(), config.instances() == 1 ? "" : "s", config.streamThreads(),
                config.streamThreads() == 1 ? "" : "s");
        if (!config.streamsOverrides().isEmpty()) {
            out.println("Streams properties overridden for all: " + new TreeMap<>(config.streamsOverrides()));
        }
        out.printf(Locale.ROOT, "Machine: %d cores (%s), %s, max heap %s, GC %s; load average %s before, %s after%n",
                machine.cores(), machine.cpuModel(), machine.java(), megabytes(machine.maxHeapBytes()),
                machine.garbageCollectors(), load(machine.loadBefore()), load(machine.loadAfter()));
        out.println();
        out.println("Throughput: the whole input topic, from RUNNING until every input offset is committed "
                + "(with its outputs, exactly-once)");
        printSteps(out);
        out.println();
        for (Round round : rounds) {
            out.printf(Locale.ROOT, "Round %d: pipeline / pass-through = %,.0f / %,.0f = %.2f%n", round.number(),
                    round.pipeline().eventsPerSecond(), round.passThrough().eventsPerSecond(), round.ratio());
        }
        out.printf(Locale.ROOT, "Ratio (median of %d round%s): %.2f (target >= %.1f: %s)%n", rounds.size(),
                rounds.size() == 1 ? "" : "s", medianRatio(), RATIO_TARGET, ratioMet() ? "met" : "NOT met");
        printFloor(out);
        out.println();
        printCpuSplit(out);
        latency.ifPresent(l -> printLatency(out, l));
        out.println();
        out.println(outputsAsIntended()
                ? "Outputs checked (read_committed): every pass-through" + (config.floor() ? " and signature floor"
                        : "") + " step wrote one record per input, every pipeline step exactly one verdict per "
                        + "event, each the one planned."
                : "Outputs differ from the plan: see the 'output' column above.");
        out.flush();
    }

    private void printFloor(PrintWriter out) {
        Optional<Double> floorRatio = medianFloorRatio();
        if (floorRatio.isEmpty()) {
            return;
        }
        for (Round round : rounds) {
            round.floor().ifPresent(floor -> out.printf(Locale.ROOT,
                    "Round %d: signature floor / pass-through = %,.0f / %,.0f = %.2f%n", round.number(),
                    floor.eventsPerSecond(), round.passThrough().eventsPerSecond(), round.floorRatio().orElseThrow()));
        }
        out.printf(Locale.ROOT, "Floor ratio (median): %.2f - the highest pipeline / pass-through ratio any "
                + "implementation doing the token rules' minimum could reach on this machine%n", floorRatio.get());
        List<String> checked = new ArrayList<>();
        for (Round round : rounds) {
            round.floor().ifPresent(floor -> checked.add(String.format(Locale.ROOT, "round %d %,d (%,d valid)",
                    round.number(), floor.signatures().checked(), floor.signatures().valid())));
        }
        out.printf(Locale.ROOT, "Signatures checked by the floor: %s; %,d distinct tokens in the input (those "
                + "naming an unknown key or not a JWS are passed through unchecked)%n", String.join(", ", checked),
                traffic.tokens());
    }

    private void printSteps(PrintWriter out) {
        out.printf("  %-26s %10s %8s %8s %10s %10s %10s %10s %7s %7s  %s%n", "step", "events/s", "run s",
                "start s", "CPU us/ev", "thread us", "judge us", "peak heap", "GC ms", "JIT ms", "output");
        List<Step> all = new ArrayList<>(warmup);
        rounds.forEach(round -> all.addAll(round.inOrder()));
        for (Step step : all) {
            out.printf(Locale.ROOT, "  %-26s %,10.0f %8.2f %8.2f %10.1f %10.1f %10s %10s %7d %7d  %s%n",
                    step.label() + " " + step.topology(), step.eventsPerSecond(), seconds(step.processing()),
                    seconds(step.startup()), step.cpuMicrosPerEvent(), step.groupMicrosPerEvent(ThreadGroups.STREAM),
                    step.topology().equals(PIPELINE) ? String.format(Locale.ROOT, "%.1f", step.judgingMicrosPerEvent())
                            : "-",
                    megabytes(step.peakHeapBytes()), step.gcMillis(), step.jitMillis(), step.asIntended()
                            ? String.format(Locale.ROOT, "%,d ok", step.outputRecords()) + (step.retries() > 0
                            ? String.format(Locale.ROOT, " (%,d retries)", step.retries()) : "")
                            : step.checkDetail());
        }
        out.println("  (thread us: CPU of the stream threads per event; judge us: time in the pipeline's verifier "
                + "per event)");
    }

    private void printCpuSplit(PrintWriter out) {
        out.println("CPU per event by thread group (us):");
        for (Round round : rounds) {
            for (Step step : round.inOrder()) {
                out.println(String.format(Locale.ROOT, "  %-26s", step.label() + " " + step.topology())
                        + groupSplit(step::groupMicrosPerEvent));
            }
        }
        out.println("  (stream: the stream threads; producer-io: their producers' network threads; app-other: "
                + "global thread, state updater, heartbeat, JWKS fetchers; broker: the embedded broker; gc-jit-vm: "
                + "GC, JIT compilers and other VM threads; bench: this benchmark's driver and simulated orgs)");
    }

    /** Each thread group's CPU per event in µs, in {@link ThreadGroups#ORDER}, and their sum. */
    private static String groupSplit(ToDoubleFunction<String> microsPerEvent) {
        StringBuilder line = new StringBuilder();
        double total = 0;
        for (String group : ThreadGroups.ORDER) {
            double micros = microsPerEvent.applyAsDouble(group);
            total += micros;
            line.append(String.format(Locale.ROOT, "  %s %.1f", group, micros));
        }
        return line.append(String.format(Locale.ROOT, "  = %.1f", total)).toString();
    }

    private static void printLatency(PrintWriter out, Latency l) {
        out.println();
        out.printf(Locale.ROOT, "Latency: %,d events at %,d/s (produced at %,.0f/s) for %d s through a fresh "
                        + "pipeline; steady state = after the first %d s%n", l.events(), l.targetRate(),
                l.producedRate(), l.duration().toSeconds(), l.warmup().toSeconds());
        out.printf(Locale.ROOT, "  event -> verdict committed (read_committed consumer): p50 %d ms, p99 %d ms, "
                        + "p99.9 %d ms, max %d ms  (p99 target < %d ms: %s)%n", l.committed().p50(),
                l.committed().p99(), l.committed().p999(), l.committed().max(), P99_TARGET_MILLIS,
                !l.complete() ? "NOT met, verdicts missing"
                        : l.committed().p99() < P99_TARGET_MILLIS ? "met" : "NOT met");
        out.printf(Locale.ROOT, "  the same over every event, warm-up included: p50 %d ms, p99 %d ms, max %d ms%n",
                l.committedAll().p50(), l.committedAll().p99(), l.committedAll().max());
        out.printf(Locale.ROOT, "  event -> verdict emitted (before its commit): p50 %d ms, p99 %d ms, max %d ms%n",
                l.emitted().p50(), l.emitted().p99(), l.emitted().max());
        out.printf(Locale.ROOT, "  %,d of %,d verdicts seen; CPU %.1f us/event; peak heap %s; GC %d ms%n",
                l.verdicts(), l.events(), l.cpuMicrosPerEvent(), megabytes(l.peakHeapBytes()), l.gcMillis());
        // A paced stream costs more per event than a backlog, and the JIT may still be busy: where the CPU went
        // says whether the pipeline had the cores to keep up.
        out.println("  CPU per event by thread group (us):" + groupSplit(l::groupMicrosPerEvent));
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%,d MB", Math.round(bytes / 1048576.0));
    }

    private static String load(double load) {
        return load < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f", load);
    }
}
