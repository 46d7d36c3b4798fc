package io.identityaudit.bench;

import io.identityaudit.avro.TenantSsoConfig;
import io.identityaudit.bench.BenchReport.Latency;
import io.identityaudit.bench.BenchReport.Machine;
import io.identityaudit.bench.BenchReport.Round;
import io.identityaudit.bench.BenchReport.Step;
import io.identityaudit.bench.BenchReport.TrafficFigures;
import io.identityaudit.bench.BenchTraffic.BenchEvent;
import io.identityaudit.config.DomainPolicy;
import io.identityaudit.config.PipelineSettings;
import io.identityaudit.config.Topics;
import io.identityaudit.demo.LoopbackTls;
import io.identityaudit.demo.OpenedResources;
import io.identityaudit.demo.Outcome;
import io.identityaudit.demo.SimulatedOktaOrg;
import io.identityaudit.demo.TrafficProducer;
import io.identityaudit.embedded.EmbeddedKafkaBroker;
import io.identityaudit.metrics.Observability;
import io.identityaudit.metrics.PipelineMetrics;
import io.identityaudit.metrics.TenantLabels;
import io.identityaudit.pipeline.IdentityAuditPipeline;
import io.identityaudit.pipeline.StreamsRuntime;
import io.identityaudit.serde.Contracts;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end-to-end benchmark: in one process and one run, the pipeline, a pass-through topology and (unless turned
 * off) the {@link SignatureFloorTopology signature floor} read the same pre-produced input, with the same
 * partitions, guarantee and stream threads, and are timed the same way; then a
 * fresh pipeline judges events produced at a steady rate, each timed until a read_committed consumer sees its
 * verdict.
 *
 * <ol>
 *   <li>An embedded broker, a few simulated Okta orgs over HTTPS on loopback, hundreds of tenant configs.</li>
 *   <li>The traffic is planned and its tokens minted, then produced (idempotent, acks=all) to the input topic.</li>
 *   <li>Warm-up rounds, not counted: every topology reads the whole input as the measured rounds will, so that
 *       none pays the fresh JVM's JIT compilation alone.</li>
 *   <li>Rounds, in ABBA order (pass-through, floor, pipeline in odd rounds; pipeline, floor, pass-through in even
 *       ones) so that a drift of the machine's speed weighs on all alike. Each step is a fresh Streams application reading the whole input
 *       topic; it is done when its committed input offsets reach the end of the topic. Under exactly-once the
 *       offsets commit in the same transaction as the outputs, so that is the moment every output is visible to
 *       read_committed consumers. The outputs are then read back and checked outside the timed window.</li>
 *   <li>Latency run at half the measured pipeline rate (or {@code --rate}).</li>
 * </ol>
 */
public final class EndToEndBench {

    private static final Logger log = LoggerFactory.getLogger(EndToEndBench.class);

    private static final String PREFIX = "bench.";
    private static final String INPUT = PREFIX + "session-events";
    private static final String LATENCY_INPUT = PREFIX + "latency.session-events";
    private static final String TENANT_CONFIGS = PREFIX + "tenant-configs";
    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration READ_BACK_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration SETTLE = Duration.ofMillis(500);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);
    /** Tokens live an hour; a latency run later than this after minting gets freshly minted ones. */
    private static final Duration TOKEN_REUSE_LIMIT = Duration.ofMinutes(45);
    private static final Duration CONFIG_AGE = Duration.ofMinutes(1);

    private final BenchConfig config;
    private final PrintWriter out;
    private final BenchProgress progress;
    private final BooleanSupplier stopRequested;
    private final ProcessProbe probe = new ProcessProbe();
    private final Set<String> driverThreads = Set.of(Thread.currentThread().getName());
    private final OpenedResources opened = new OpenedResources();

    private String bootstrap;
    private Admin admin;
    private LoopbackTls tls;
    private BenchTenants tenants;
    private BenchTraffic traffic;
    private Map<String, RSAPublicKey> floorKeys = Map.of();

    /**
     * @param out           progress and status lines
     * @param terminal      redraw the progress bar in place
     * @param stopRequested polled throughout; true ends the run early (Ctrl-C)
     */
    public EndToEndBench(BenchConfig config, PrintWriter out, boolean terminal, BooleanSupplier stopRequested) {
        this.config = config;
        this.out = out;
        this.progress = new BenchProgress(out, terminal);
        this.stopRequested = stopRequested;
    }

    /**
     * Runs the whole benchmark and closes everything it opened.
     *
     * @throws CancellationException when a stop was requested
     */
    public BenchReport run() throws Exception {
        double loadBefore = probe.loadAverage();
        try {
            setUp();
            long valueBytes = produceInputs();
            List<Step> warmup = new ArrayList<>();
            for (int w = 1; w <= config.warmupRounds(); w++) {
                String label = "warm-up " + w;
                warmup.add(passThrough(label, "w" + w, INPUT, config.events()));
                if (config.floor()) {
                    warmup.add(signatureFloor(label, "w" + w, INPUT, config.events()));
                }
                warmup.add(pipeline(label, "w" + w, INPUT, traffic.intended()));
            }
            List<Round> rounds = new ArrayList<>();
            for (int r = 1; r <= config.rounds(); r++) {
                String label = "round " + r;
                String phase = "r" + r;
                boolean passThroughFirst = r % 2 == 1;
                // ABBA: pass-through, floor, pipeline in odd rounds; pipeline, floor, pass-through in even ones.
                Step first = passThroughFirst
                        ? passThrough(label, phase, INPUT, config.events())
                        : pipeline(label, phase, INPUT, traffic.intended());
                Optional<Step> floor = config.floor()
                        ? Optional.of(signatureFloor(label, phase, INPUT, config.events()))
                        : Optional.empty();
                Step last = passThroughFirst
                        ? pipeline(label, phase, INPUT, traffic.intended())
                        : passThrough(label, phase, INPUT, config.events());
                rounds.add(new Round(r, passThroughFirst, passThroughFirst ? first : last,
                        passThroughFirst ? last : first, floor));
            }
            Optional<Latency> latency = Optional.empty();
            if (config.latencyRun()) {
                double pipelineRate = rounds.stream().mapToDouble(r -> r.pipeline().eventsPerSecond()).sorted()
                        .skip((rounds.size() - 1) / 2).findFirst().orElse(1000);
                int rate = config.latencyRate() > 0 ? config.latencyRate() : (int) Math.max(1, pipelineRate / 2);
                latency = Optional.of(latencyRun(rate));
            }
            Machine machine = new Machine(Runtime.getRuntime().availableProcessors(), cpuModel(), javaVersion(),
                    ProcessProbe.maxHeap(), garbageCollectors(), loadBefore, probe.loadAverage());
            TrafficFigures figures = new TrafficFigures(config.events(), tenants.savedCount(), config.orgs(),
                    traffic.sessionCount(), traffic.distinctTokens(), (double) valueBytes / config.events(),
                    config.invalidPercent());
            return new BenchReport(config, machine, figures, warmup, rounds, latency);
        } finally {
            opened.close();
        }
    }

    // --- set-up ------------------------------------------------------------------------------------------------

    private void setUp() throws Exception {
        out.printf(Locale.ROOT, "identity-audit bench: %,d events, %,d tenants over %d simulated orgs, sessions of "
                        + "about %d events, %d%% meant to be rejected; %d partitions, %d stream thread%s, "
                        + "exactly_once_v2.%n", config.events(), config.tenants(), config.orgs(),
                config.sessionLength(), config.invalidPercent(), config.partitions(), config.streamThreads(),
                config.streamThreads() == 1 ? "" : "s");
        tls = LoopbackTls.create();
        List<SimulatedOktaOrg> orgs = new ArrayList<>();
        for (int i = 0; i < config.orgs(); i++) {
            orgs.add(opened.open(SimulatedOktaOrg.start(tls)));
        }
        tenants = new BenchTenants(orgs, config.tenants(), Instant.now().minus(CONFIG_AGE));
        floorKeys = SignatureFloorTopology.keysOf(orgs);

        long started = System.nanoTime();
        EmbeddedKafkaBroker broker = opened.open(EmbeddedKafkaBroker.start(config.dataDir().resolve("kafka"),
                config.embeddedPort()));
        bootstrap = broker.bootstrapServers();
        admin = opened.open(Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.CLIENT_ID_CONFIG, "bench-admin")));
        broker.createTopics(topics());
        out.printf(Locale.ROOT, "Embedded broker at %s ready after %.1f s (data in %s); %d simulated orgs on "
                        + "loopback over HTTPS.%n", bootstrap, (System.nanoTime() - started) / 1e9,
                config.dataDir(), orgs.size());
        out.flush();

        BenchTraffic.Minting minting = new BenchTraffic.Minting();
        CompletableFuture<BenchTraffic> planned = CompletableFuture.supplyAsync(() -> BenchTraffic.plan(tenants,
                config.events(), config.invalidPercent(), config.sessionLength(), Instant.now(), config.seed(),
                Runtime.getRuntime().availableProcessors(), minting));
        while (minting.planned() == 0 && !planned.isDone()) {
            sleep(Duration.ofMillis(5));
        }
        progress.begin("minting tokens", "sessions", minting.planned());
        while (!planned.isDone()) {
            checkStop();
            progress.update(minting.minted());
            sleep(POLL);
        }
        traffic = planned.get();
        progress.finish(minting.minted());
    }

    private List<NewTopic> topics() {
        List<NewTopic> topics = new ArrayList<>();
        topics.add(new NewTopic(TENANT_CONFIGS, 1, (short) 1)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        topics.add(topic(INPUT));
        List<String> phases = new ArrayList<>();
        for (int w = 1; w <= config.warmupRounds(); w++) {
            phases.add("w" + w);
        }
        for (int r = 1; r <= config.rounds(); r++) {
            phases.add("r" + r);
        }
        if (config.latencyRun()) {
            topics.add(topic(LATENCY_INPUT));
            phases.add("latency");
        }
        for (String phase : phases) {
            topics.add(topic(passThroughOutput(phase)));
            if (config.floor() && !phase.equals("latency")) {
                topics.add(topic(floorOutput(phase)));
            }
            Topics pipelineTopics = pipelineTopics(phase, INPUT);
            topics.add(topic(pipelineTopics.verified()));
            topics.add(topic(pipelineTopics.rejected()));
            topics.add(topic(pipelineTopics.retries()));
            topics.add(topic(pipelineTopics.anomalies()));
            topics.add(new NewTopic(pipelineTopics.configChanges(), 1, (short) 1));
        }
        return topics;
    }

    private NewTopic topic(String name) {
        return new NewTopic(name, config.partitions(), (short) 1);
    }

    private static String passThroughOutput(String phase) {
        return PREFIX + phase + ".pass-through";
    }

    private static String floorOutput(String phase) {
        return PREFIX + phase + ".signature-floor";
    }

    private static Topics pipelineTopics(String phase, String input) {
        return new Topics(input, TENANT_CONFIGS, PREFIX + phase + ".verified", PREFIX + phase + ".rejected",
                PREFIX + phase + ".retry", PREFIX + phase + ".anomalies", PREFIX + phase + ".config-changes");
    }

    /** Saves the tenants, then produces the input topic; returns its value bytes. */
    private long produceInputs() throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProperties("bench-traffic"))) {
            for (TenantSsoConfig tenant : tenants.configs()) {
                producer.send(new ProducerRecord<>(TENANT_CONFIGS, null, tenant.getUpdatedAt().toEpochMilli(),
                        tenant.getTenantId(), Contracts.TENANT_CONFIG.encode(tenant)));
            }
            producer.flush();
            return produce(producer, INPUT, traffic.cursor(config.seed(), false), config.events(),
                    "producing events");
        }
    }

    private long produce(KafkaProducer<String, byte[]> producer, String topic, BenchTraffic.Cursor cursor, int count,
                         String step) throws Exception {
        AtomicLong acknowledged = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long bytes = 0;
        progress.begin(step, "events", count);
        for (int i = 0; i < count; i++) {
            BenchEvent event = cursor.next(Instant.now());
            bytes += event.value().length;
            producer.send(new ProducerRecord<>(topic, null, event.occurredAt().toEpochMilli(), event.key(),
                    event.value()), (metadata, error) -> {
                        if (error != null) {
                            failure.compareAndSet(null, error);
                        } else {
                            acknowledged.incrementAndGet();
                        }
                    });
            if (i % 1_000 == 0) {
                checkStop();
                progress.update(acknowledged.get());
            }
            if (failure.get() != null) {
                throw new IllegalStateException("producing to " + topic + " failed", failure.get());
            }
        }
        producer.flush();
        if (failure.get() != null) {
            throw new IllegalStateException("producing to " + topic + " failed", failure.get());
        }
        progress.finish(acknowledged.get());
        return bytes;
    }

    private Properties producerProperties(String clientId) {
        Properties props = TrafficProducer.producerProperties(bootstrap);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        return props;
    }

    // --- the measured steps ------------------------------------------------------------------------------------

    /** The instances of a Streams application under measurement, all with one application id. */
    private interface App extends AutoCloseable {

        /**
         * RUNNING as soon as one instance is: from then on events are processed, so the timed window starts (with
         * two instances it includes the rebalance when the second joins, as on two machines).
         */
        KafkaStreams.State state();

        boolean failed();

        @Override
        void close();
    }

    private Step passThrough(String label, String phase, String input, long events) throws Exception {
        String output = passThroughOutput(phase);
        return copyingStep(label, BenchReport.PASS_THROUGH, "bench-pass-through-" + phase, input, output, events,
                () -> PassThroughTopology.build(input, output));
    }

    /** The pass-through with, per new token, one RS256 check: what the pipeline could reach at best. */
    private Step signatureFloor(String label, String phase, String input, long events) throws Exception {
        String output = floorOutput(phase);
        SignatureFloorTopology.Counters counters = new SignatureFloorTopology.Counters();
        Step step = copyingStep(label, BenchReport.SIGNATURE_FLOOR, "bench-signature-floor-" + phase, input, output,
                events, () -> SignatureFloorTopology.build(input, output, floorKeys, counters));
        return step.withSignatures(new BenchReport.Signatures(counters.checked(), counters.valid()));
    }

    /**
     * Times a topology that writes every input record once to {@code output} (one topology per instance, built
     * by {@code topology}), then checks that the output holds one record per input.
     */
    private Step copyingStep(String label, String name, String applicationPrefix, String input, String output,
                             long events, Supplier<Topology> topology) throws Exception {
        String applicationId = applicationPrefix + "-" + Long.toHexString(System.nanoTime());
        Step step = measure(label, name, applicationId, input, events, () -> {
            List<KafkaStreams> instances = new ArrayList<>();
            for (int i = 0; i < config.instances(); i++) {
                KafkaStreams streams = new KafkaStreams(topology.get(),
                        streamsRuntime(applicationId, i).streamsProperties());
                streams.setUncaughtExceptionHandler(
                        error -> StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
                streams.start();
                instances.add(streams);
            }
            return app(instances, streams -> streams, streams -> {
                KafkaStreams.State state = streams.state();
                return state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR
                        || state == KafkaStreams.State.NOT_RUNNING;
            }, streams -> streams.close(leavingGroup(CLOSE_TIMEOUT)));
        }, () -> 0, () -> 0, () -> true);
        Map<String, Long> counts = readBack(List.of(output), record -> "records");
        long records = counts.getOrDefault("records", 0L);
        return withCheck(step, records, records == events,
                String.format(Locale.ROOT, "%,d of %,d records", records, events));
    }

    /** Leaving the group hands the partitions to the other instances at once, as the pipeline does. */
    private static CloseOptions leavingGroup(Duration timeout) {
        return CloseOptions.timeout(timeout)
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP);
    }

    private static <T> App app(List<T> instances, Function<T, KafkaStreams> streams, Predicate<T> failed,
                               Consumer<T> close) {
        Function<T, KafkaStreams.State> state = instance -> streams.apply(instance).state();
        return new App() {
            @Override
            public KafkaStreams.State state() {
                return instances.stream().map(state).filter(s -> s == KafkaStreams.State.RUNNING).findFirst()
                        .orElse(state.apply(instances.get(0)));
            }

            @Override
            public boolean failed() {
                return instances.stream().anyMatch(failed);
            }

            @Override
            public void close() {
                // Every instance starts shutting down at once. One after the other, the later ones would sit in the
                // rebalance the first one's leaving started, and could outlast their close timeout and stay
                // running after the broker is gone.
                instances.forEach(instance -> streams.apply(instance).close(leavingGroup(Duration.ZERO)));
                instances.forEach(close);
            }
        };
    }

    /**
     * Starts {@link BenchConfig#instances()} pipelines with one application id. They share the meters and the
     * probe, as the verdict counts are what matters; only the first binds the Kafka Streams meters (the names would
     * clash).
     */
    private List<IdentityAuditPipeline> startPipelines(PipelineSettings settings, String applicationId,
                                                       Observability observability, VerdictProbe verdicts) {
        PipelineMetrics meters = observability.pipelineMetrics();
        List<IdentityAuditPipeline> instances = new ArrayList<>();
        for (int i = 0; i < config.instances(); i++) {
            IdentityAuditPipeline running = IdentityAuditPipeline.start(settings, streamsRuntime(applicationId, i),
                    tls.clientContext().getSocketFactory(), meters, verdicts, meters);
            if (i == 0) {
                observability.bind(running.streams());
            }
            instances.add(running);
        }
        return instances;
    }

    private Step pipeline(String label, String phase, String input, Map<Outcome, Integer> intended)
            throws Exception {
        Topics topics = pipelineTopics(phase, input);
        long events = intended.values().stream().mapToLong(Integer::longValue).sum();
        String applicationId = "bench-pipeline-" + phase + "-" + Long.toHexString(System.nanoTime());
        PipelineSettings settings = pipelineSettings(topics);
        Observability observability = new Observability(new TenantLabels(TenantLabels.DEFAULT_LIMIT),
                settings.domainPolicy());
        VerdictProbe verdicts = new VerdictProbe(observability.pipelineMetrics());
        try {
            Step step = measure(label, BenchReport.PIPELINE, applicationId, input, events,
                    () -> app(startPipelines(settings, applicationId, observability, verdicts),
                            IdentityAuditPipeline::streams, IdentityAuditPipeline::isStopped,
                            IdentityAuditPipeline::close),
                    verdicts::judgingNanos, verdicts::retries, () -> verdicts.finals() >= events);
            Map<String, Long> counts = readBack(List.of(topics.verified(), topics.rejected()), record ->
                    record.topic().equals(topics.verified()) ? Outcome.VERIFIED_LABEL
                            : Contracts.REJECTION.decode(record.value()).getErrorCode().toString());
            Map<String, Long> meant = intended.entrySet().stream().filter(e -> e.getValue() > 0)
                    .collect(Collectors.toMap(e -> e.getKey().label(), e -> e.getValue().longValue()));
            long records = counts.values().stream().mapToLong(Long::longValue).sum();
            return withCheck(step, records, counts.equals(meant), difference(meant, counts));
        } finally {
            observability.close();
        }
    }

    @FunctionalInterface
    private interface AppStarter {
        App start() throws Exception;
    }

    @FunctionalInterface
    private interface LongGauge {
        long get();
    }

    /**
     * Starts an application on {@code input} and times it until its committed offsets reach the end of the input
     * (and {@code finished} agrees: the pipeline also counts its final verdicts, in case an event took the retry
     * path).
     */
    private Step measure(String label, String topology, String applicationId, String input, long events,
                         AppStarter starter, LongGauge judgingNanos, LongGauge retries, BooleanSupplier finished)
            throws Exception {
        settle();
        Map<TopicPartition, Long> ends = endOffsets(input);
        long end = ends.values().stream().mapToLong(Long::longValue).sum();
        String step = label + ": " + topology;
        probe.resetPeakHeap();
        ProcessProbe.Snapshot before = probe.take();
        long started = System.nanoTime();
        long running = 0;
        long done = 0;
        long deadline = started + config.stepTimeout().toNanos();
        progress.begin(step, "events", events);
        ProcessProbe.Snapshot after;
        try (App app = starter.start()) {
            while (true) {
                checkStop();
                if (app.failed()) {
                    throw new IllegalStateException(step + " stopped on an error (state " + app.state()
                            + "); see the log");
                }
                long now = System.nanoTime();
                if (running == 0 && app.state() == KafkaStreams.State.RUNNING) {
                    running = now;
                }
                long committed = committed(applicationId, ends.keySet());
                progress.update(committed);
                probe.sampleHeap();
                if (committed >= end && finished.getAsBoolean()) {
                    done = System.nanoTime();
                    if (running == 0) {
                        // Done before a poll saw RUNNING (a tiny input): the start-up counts as processing, so
                        // the rate errs low, never towards infinity.
                        running = started;
                    }
                    progress.finish(committed);
                    break;
                }
                if (now > deadline) {
                    throw new TimeoutException(String.format(Locale.ROOT, "%s: %,d of %,d events committed after "
                            + "%s (--step-timeout)", step, committed, end, config.stepTimeout()));
                }
                sleep(POLL);
            }
            after = probe.take();
        }
        return new Step(topology, label, events, Duration.ofNanos(running - started),
                Duration.ofNanos(done - running), after.processCpuNanos() - before.processCpuNanos(),
                ProcessProbe.cpuByGroup(before, after, ThreadGroups.classifier(applicationId, driverThreads)),
                judgingNanos.get(), probe.peakHeapUsed(), after.gcCount() - before.gcCount(),
                after.gcMillis() - before.gcMillis(), after.jitMillis() - before.jitMillis(), retries.get(), 0,
                false, "", BenchReport.Signatures.NONE);
    }

    private static Step withCheck(Step step, long records, boolean asIntended, String detail) {
        return new Step(step.topology(), step.label(), step.events(), step.startup(), step.processing(),
                step.processCpuNanos(), step.cpuByGroup(), step.judgingNanos(), step.peakHeapBytes(),
                step.gcCount(), step.gcMillis(), step.jitMillis(), step.retries(), records, asIntended,
                asIntended ? "" : detail, step.signatures());
    }

    private StreamsRuntime streamsRuntime(String applicationId, int instance) {
        // The same properties for both topologies: exactly_once_v2, acks=all, the same thread count, and the same
        // experimental overrides if any. Each instance has its own state directory, as on its own machine.
        return new StreamsRuntime(applicationId, bootstrap, config.dataDir().resolve("streams-" + instance),
                config.streamThreads(), config.streamsOverrides());
    }

    private PipelineSettings pipelineSettings(Topics topics) {
        return PipelineSettings.DEFAULTS.withTopics(topics).withDomainPolicy(new DomainPolicy(tenants.orgDomains()));
    }

    // --- latency -----------------------------------------------------------------------------------------------

    private Latency latencyRun(int rate) throws Exception {
        long events = (long) rate * config.latencyDuration().toSeconds();
        BenchTraffic source = traffic;
        if (Duration.between(traffic.mintedAt(), Instant.now()).compareTo(TOKEN_REUSE_LIMIT) > 0) {
            // Genuine tokens expire an hour after minting; this run must not turn them into TOKEN_EXPIRED.
            source = BenchTraffic.plan(tenants, (int) Math.min(config.events(), events), config.invalidPercent(),
                    config.sessionLength(), Instant.now(), config.seed() + 2,
                    Runtime.getRuntime().availableProcessors(), new BenchTraffic.Minting());
        }
        Topics topics = pipelineTopics("latency", LATENCY_INPUT);
        String applicationId = "bench-pipeline-latency-" + Long.toHexString(System.nanoTime());
        PipelineSettings settings = pipelineSettings(topics);
        settle();
        String step = "latency run at " + String.format(Locale.ROOT, "%,d/s", rate);
        try (Observability observability = new Observability(new TenantLabels(TenantLabels.DEFAULT_LIMIT),
                settings.domainPolicy())) {
            VerdictProbe verdicts = new VerdictProbe(observability.pipelineMetrics());
            List<IdentityAuditPipeline> instances = startPipelines(settings, applicationId, observability, verdicts);
            try (App running = app(instances, IdentityAuditPipeline::streams, IdentityAuditPipeline::isStopped,
                    IdentityAuditPipeline::close)) {
                for (IdentityAuditPipeline instance : instances) {
                    if (!instance.awaitRunning(START_TIMEOUT)) {
                        throw new IllegalStateException("the latency run's pipeline did not start (state "
                                + instance.state() + ")");
                    }
                }
                long steadyFrom = System.currentTimeMillis() + config.latencyWarmup().toMillis();
                verdicts.recordLagFrom(steadyFrom);
                LatencyHistogram all = new LatencyHistogram();
                LatencyHistogram steady = new LatencyHistogram();
                try (LatencyReader reader = new LatencyReader(bootstrap, topics, all, steady, steadyFrom);
                     PacedProducer producer = new PacedProducer(producerProperties("bench-latency-traffic"),
                             LATENCY_INPUT, source.cursor(config.seed() + 3, true), rate, events)) {
                    probe.resetPeakHeap();
                    ProcessProbe.Snapshot before = probe.take();
                    reader.start();
                    producer.start();
                    long deadline = System.nanoTime() + config.latencyDuration().plus(config.stepTimeout()).toNanos();
                    progress.begin(step, "verdicts", events);
                    while (reader.seen() < events) {
                        checkStop();
                        if (running.failed()) {
                            throw new IllegalStateException("the latency run's pipeline stopped on an error");
                        }
                        producer.failure().ifPresent(e -> {
                            throw new IllegalStateException("producing the latency run's events failed", e);
                        });
                        if (System.nanoTime() > deadline) {
                            log.warn("Latency run: {} of {} verdicts seen before the timeout", reader.seen(), events);
                            break;
                        }
                        progress.update(reader.seen());
                        probe.sampleHeap();
                        sleep(POLL);
                    }
                    progress.finish(reader.seen());
                    ProcessProbe.Snapshot after = probe.take();
                    return new Latency(rate, producer.producedRate(), events, reader.seen(),
                            config.latencyDuration(), config.latencyWarmup(), steady.summary(), all.summary(),
                            verdicts.emittedLag().summary(), after.processCpuNanos() - before.processCpuNanos(),
                            ProcessProbe.cpuByGroup(before, after,
                                    ThreadGroups.classifier(applicationId, driverThreads)),
                            probe.peakHeapUsed(), after.gcMillis() - before.gcMillis());
                }
            }
        }
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    private Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < config.partitions(); p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(request).all().get(30, TimeUnit.SECONDS)
                .forEach((partition, info) -> ends.put(partition, info.offset()));
        return ends;
    }

    /** The application's committed offsets on the given partitions, summed (0 before its first commit). */
    private long committed(String applicationId, Set<TopicPartition> partitions)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(applicationId)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        long sum = 0;
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata offset = offsets.get(partition);
            sum += offset == null ? 0 : offset.offset();
        }
        return sum;
    }

    private Map<String, Long> readBack(List<String> topics, Function<ConsumerRecord<byte[], byte[]>, String> label) {
        try (CommittedOutputs outputs = new CommittedOutputs(bootstrap, topics, "bench-check",
                Duration.ofMillis(500))) {
            return outputs.countToEnd(label, READ_BACK_TIMEOUT);
        }
    }

    private static String difference(Map<String, Long> meant, Map<String, Long> got) {
        List<String> differences = new ArrayList<>();
        for (String label : new java.util.TreeSet<>(concat(meant.keySet(), got.keySet()))) {
            long m = meant.getOrDefault(label, 0L);
            long g = got.getOrDefault(label, 0L);
            if (m != g) {
                differences.add(String.format(Locale.ROOT, "%s %,d (planned %,d)", label, g, m));
            }
        }
        return "DIFFERS: " + String.join(", ", differences);
    }

    private static List<String> concat(Set<String> a, Set<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** Lets the previous step's garbage and the broker's after-work settle, so each step starts alike. */
    private void settle() {
        System.gc();
        sleep(SETTLE);
    }

    private void checkStop() {
        if (stopRequested.getAsBoolean()) {
            throw new CancellationException("stopped on request");
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted");
        }
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux: the model stays unknown.
        }
        return "CPU model unknown";
    }

    private static String javaVersion() {
        return System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
    }

    private static String garbageCollectors() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName)
                .collect(Collectors.joining(", "));
    }
}
