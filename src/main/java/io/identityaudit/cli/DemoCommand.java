package io.identityaudit.cli;

import io.identityaudit.avro.AnomalyKind;
import io.identityaudit.avro.TenantSsoConfig;
import io.identityaudit.config.PipelineSettings;
import io.identityaudit.config.RetryPolicy;
import io.identityaudit.config.Topics;
import io.identityaudit.demo.AnomalyReader;
import io.identityaudit.demo.DemoTenants;
import io.identityaudit.demo.DemoTraffic;
import io.identityaudit.demo.LoopbackTls;
import io.identityaudit.demo.OpenedResources;
import io.identityaudit.demo.OutcomeTable;
import io.identityaudit.demo.OutcomeTally;
import io.identityaudit.demo.ProgressLine;
import io.identityaudit.demo.SimulatedOktaOrg;
import io.identityaudit.demo.TrafficProducer;
import io.identityaudit.demo.VerdictReader;
import io.identityaudit.embedded.EmbeddedKafkaBroker;
import io.identityaudit.metrics.MetricsServer;
import io.identityaudit.metrics.Observability;
import io.identityaudit.metrics.PipelineMetrics;
import io.identityaudit.pipeline.IdentityAuditPipeline;
import io.identityaudit.pipeline.StreamsRuntime;
import io.identityaudit.pipeline.TopicLayout;
import io.identityaudit.pipeline.TopicProvisioner;
import io.identityaudit.serde.Contracts;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "The first command to run: the whole pipeline on this machine, nothing to install. Starts an embedded "
                        + "Kafka broker, a simulated Okta org on loopback over HTTPS (plus one whose key endpoint "
                        + "answers 503), saves a few demo tenants, sends a realistic mix of widget session events "
                        + "(mostly genuine ID tokens, the rest provoking every error code) through the pipeline with "
                        + "a live progress line, and ends with a table of outcomes per error code and the security "
                        + "anomalies written (--inject-attack adds an attack that provokes some).",
                "",
                "The simulated orgs are trusted through a demo-only TLS setting that trusts their certificate and "
                        + "nothing else. Data goes to a fresh temporary directory, deleted at the end, unless "
                        + "--data-dir is given on the command line. --create-topics and --replication-factor do not "
                        + "apply: the demo always creates its topics, with one replica."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:every event got exactly one verdict, the one it was meant to get",
                "1:some verdicts differ from what the traffic meant to provoke",
                "2:usage error",
                "3:failure: port in use, the broker or pipeline did not start or died, timeout"})
final class DemoCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(DemoCommand.class);

    private static final Duration PIPELINE_START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    private static final Duration READ_TO_END_TIMEOUT = Duration.ofSeconds(10);
    /** The demo tenants' configs are saved as of a minute ago, so every event "now" is judged by them. */
    private static final Duration CONFIG_AGE = Duration.ofMinutes(1);
    private static final int OUTAGE_STATUS = 503;
    /** What --inject-attack provokes: see DemoTraffic.ATTACK. */
    private static final List<AnomalyKind> ATTACK_KINDS = List.of(AnomalyKind.FORGERY_ATTEMPT,
            AnomalyKind.SUBJECT_UNDER_ATTACK, AnomalyKind.TOKEN_REPLAY);
    /** Anomalies follow their verdicts through a repartition topic; once this long quiet, they are all there. */
    private static final Duration ANOMALIES_QUIET = Duration.ofSeconds(2);
    private static final Duration ANOMALIES_TIMEOUT = Duration.ofSeconds(20);
    private static final RetryPolicy DEMO_RETRIES = new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(2));

    @ParentCommand
    IdentityAuditCommand root;

    @Spec
    CommandSpec spec;

    @Option(names = "--events", paramLabel = "N", defaultValue = "2000",
            description = "How many events to send; at least " + DemoTraffic.MIN_EVENTS
                    + " (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "200",
            description = "Events per second (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--inject-attack",
            description = "Make " + DemoTraffic.ATTACK_EVENTS + " of the events an attack on demo tenant "
                    + DemoTenants.STARK + ": a burst of forged tokens from one client IP and a genuine token "
                    + "replayed by curl from other IPs, so that FORGERY_ATTEMPT, SUBJECT_UNDER_ATTACK and "
                    + "TOKEN_REPLAY anomalies (and the security dashboard's anomaly panels) light up.")
    boolean injectAttack;

    @Option(names = "--keep-running",
            description = "After the table, keep the broker, the pipeline and the simulated orgs up until Ctrl-C, "
                    + "to look at the topics or send events of your own.")
    boolean keepRunning;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "60s",
            description = "How long to wait for the last verdicts once every event is sent "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Mixin
    RuntimeOptions runtime;

    @Mixin
    PipelineOptions pipeline;

    @Mixin
    MetricsOptions metrics;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            description = "Run the demo against this Kafka cluster instead of an embedded broker (e.g. in "
                    + "docker-compose). Its topics are created if missing.")
    String bootstrapServers;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        validate();
        if (bootstrapServers == null && runtime.embeddedPort != 0 && !portIsFree(runtime.embeddedPort)) {
            err.printf("identity-audit demo: port %d on 127.0.0.1 is already in use (another Kafka broker, or a demo "
                    + "still running with --keep-running?).%nRun the demo on any free port instead: "
                    + "identity-audit demo --embedded-port 0%n", runtime.embeddedPort);
            err.flush();
            return ExitCode.FAILED;
        }
        boolean dataDirGiven = spec.commandLine().getParseResult().hasMatchedOption("--data-dir");
        Path dataDir = dataDirGiven ? runtime.dataDir.toAbsolutePath()
                : Files.createTempDirectory("identity-audit-demo-").toAbsolutePath();
        ShutdownSignal signal = root.installShutdownSignal();
        OpenedResources opened = new OpenedResources();
        int exitCode = ExitCode.FAILED;
        try {
            exitCode = run(out, err, dataDir, dataDirGiven, signal, opened);
            return exitCode;
        } catch (Exception e) {
            err.println("identity-audit demo failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            log.error("The demo failed", e);
            return ExitCode.FAILED;
        } finally {
            opened.close();
            if (!dataDirGiven) {
                deleteRecursively(dataDir);
            }
            out.flush();
            err.flush();
            signal.done(exitCode);
        }
    }

    private void validate() {
        int minEvents = DemoTraffic.minEvents(injectAttack);
        if (events < minEvents) {
            throw new ParameterException(spec.commandLine(), "--events must be at least " + minEvents
                    + " so that every error code gets an event" + (injectAttack ? ", and the attack fits" : "")
                    + ", was " + events);
        }
        if (rate < 1) {
            throw new ParameterException(spec.commandLine(), "--rate must be at least 1 event per second, was "
                    + rate);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new ParameterException(spec.commandLine(), "--timeout must be positive");
        }
    }

    private int run(PrintWriter out, PrintWriter err, Path dataDir, boolean dataDirGiven, ShutdownSignal signal,
                    OpenedResources opened) throws Exception {
        out.printf("identity-audit demo: %d events at %d per second through the real pipeline. Ctrl-C stops it.%n",
                events, rate);

        // Both orgs share one certificate, so one client setup trusts both, and nothing else.
        LoopbackTls tls = LoopbackTls.create();
        SimulatedOktaOrg org = opened.open(SimulatedOktaOrg.start(tls));
        SimulatedOktaOrg downOrg = opened.open(SimulatedOktaOrg.start(tls));
        downOrg.failWith(OUTAGE_STATUS);
        DemoTenants tenants = new DemoTenants(org, downOrg, Instant.now().minus(CONFIG_AGE));
        out.printf("Simulated Okta orgs on loopback over HTTPS, trusted by this demo only: %s (healthy), %s "
                + "(answers %d)%n", org.issuer(), downOrg.issuer(), OUTAGE_STATUS);

        // The org that answers 503 never recovers: a short retry policy ends its events in seconds, not minutes.
        PipelineSettings settings = pipeline.settings(tenants.orgDomains()).withRetryPolicy(DEMO_RETRIES);
        Topics topics = settings.topics();
        String bootstrap;
        if (bootstrapServers != null) {
            bootstrap = bootstrapServers;
            TopicProvisioner.ensure(TopicProvisioner.adminProperties(bootstrap, Map.of()),
                    new TopicLayout(topics, runtime.partitions, runtime.replicationFactor()).newTopics(),
                    PIPELINE_START_TIMEOUT);
            out.printf("Using the Kafka cluster at %s; topics %s, %s, %s, %s%n", bootstrap, topics.sessionEvents(),
                    topics.tenantConfigs(), topics.verified(), topics.rejected());
        } else {
            Path kafkaDir = dataDir.resolve("kafka");
            out.printf("Starting the embedded Kafka broker (data in %s)...%n", kafkaDir);
            out.flush();
            long brokerStart = System.nanoTime();
            EmbeddedKafkaBroker broker;
            try {
                broker = opened.open(EmbeddedKafkaBroker.start(kafkaDir, runtime.embeddedPort));
            } catch (IllegalStateException e) {
                err.printf("identity-audit demo: %s%nIf the port is taken, run the demo on any free port: "
                        + "identity-audit demo --embedded-port 0%n", e.getMessage());
                return ExitCode.FAILED;
            }
            if (signal.requested()) {
                return ExitCode.FAILED;
            }
            bootstrap = broker.bootstrapServers();
            broker.createTopics(new TopicLayout(topics, runtime.partitions, Optional.of((short) 1)).newTopics());
            out.printf(Locale.ROOT, "Kafka ready at %s after %.1f s; topics %s, %s, %s, %s%n", bootstrap,
                    seconds(brokerStart), topics.sessionEvents(), topics.tenantConfigs(), topics.verified(),
                    topics.rejected());
        }

        Producer<String, byte[]> producer = opened.open(
                new KafkaProducer<>(TrafficProducer.producerProperties(bootstrap)));
        saveTenants(out, producer, topics, tenants);

        long pipelineStart = System.nanoTime();
        Observability observability = opened.open(
                new Observability(metrics.tenantLabels(), settings.domainPolicy()));
        PipelineMetrics meters = observability.pipelineMetrics();
        IdentityAuditPipeline running = opened.open(IdentityAuditPipeline.start(settings,
                streamsRuntime(bootstrap, dataDir), org.trustingSocketFactory(), meters, meters, meters,
                meters));
        observability.bind(running.streams());
        String metricsUrl = serveMetrics(err, observability, running);
        if (!awaitRunning(running, signal)) {
            if (signal.requested()) {
                return ExitCode.FAILED;
            }
            err.printf("identity-audit demo: the pipeline did not start within %d s (state %s); see the log.%n",
                    PIPELINE_START_TIMEOUT.toSeconds(), running.state());
            return ExitCode.FAILED;
        }
        out.printf(Locale.ROOT, "Pipeline running after %.1f s (application id %s, exactly-once).%n",
                seconds(pipelineStart), runtime.applicationId);

        VerdictReader reader = opened.open(new VerdictReader(bootstrap, topics));
        AnomalyReader anomalies = opened.open(new AnomalyReader(bootstrap, topics.anomalies()));
        DemoTraffic traffic = new DemoTraffic(tenants, events, Clock.systemUTC(), new Random(), injectAttack);
        if (injectAttack) {
            out.printf("Injecting an attack (--inject-attack): %s.%n", DemoTraffic.ATTACK);
        }
        OutcomeTally tally = new OutcomeTally(traffic.intended());
        TrafficProducer sender = opened.open(new TrafficProducer(producer, topics.sessionEvents(), traffic, rate, tally));
        out.printf("Sending %d events to %s and reading the verdicts from %s and %s (read_committed):%n", events,
                topics.sessionEvents(), topics.verified(), topics.rejected());
        out.flush();

        String failure = watch(out, signal, running, reader, sender, tally);
        out.println();
        OutcomeTable.print(out, tally);
        out.println();
        if (failure == null) {
            printAnomalies(out, anomalies, topics.anomalies());
        }
        printWhereThingsAre(out, bootstrap, topics, dataDir, dataDirGiven, org, downOrg, metricsUrl);
        out.println();

        int result;
        if (failure != null) {
            out.println("Demo FAILED: " + failure);
            result = ExitCode.FAILED;
        } else if (tally.allAsIntended()) {
            out.printf("Every one of the %d events got exactly one verdict, the one it was meant to get.%n", events);
            result = ExitCode.OK;
        } else {
            out.println("Some verdicts differ from what the traffic meant to provoke (see MISMATCH above).");
            result = ExitCode.REFUSED;
        }
        out.flush();
        if (keepRunning && failure == null) {
            return keepRunning(out, signal, running, bootstrap, result);
        }
        return result;
    }

    /** Shows the progress until every event has its verdict; returns why it stopped early, or null. */
    private String watch(PrintWriter out, ShutdownSignal signal, IdentityAuditPipeline running, VerdictReader reader,
                         TrafficProducer sender, OutcomeTally tally) {
        ProgressLine progress = new ProgressLine(out, System.console() != null, outputShowsUnicode(), events);
        long started = System.nanoTime();
        long sentAt = 0;
        String failure = null;
        sender.start();
        while (true) {
            reader.poll(POLL_INTERVAL, tally);
            progress.update(sender.acknowledged(), tally.verified(), tally.rejected(), since(started));
            if (sender.failure().isPresent()) {
                Exception e = sender.failure().get();
                failure = "sending events failed: " + e.getClass().getSimpleName() + ": " + e.getMessage();
                break;
            }
            if (running.isStopped()) {
                failure = "the pipeline stopped on an error (see the log)";
                break;
            }
            if (signal.requested()) {
                failure = "stopped by Ctrl-C or SIGTERM before every event had its verdict";
                break;
            }
            if (sender.finished()) {
                if (tally.expected() == events && tally.outstanding() == 0) {
                    break;
                }
                if (sentAt == 0) {
                    sentAt = System.nanoTime();
                } else if (System.nanoTime() - sentAt > timeout.toNanos()) {
                    failure = String.format(Locale.ROOT, "timed out: %d of %d events had no verdict %d s after the "
                            + "last was sent (--timeout)", tally.outstanding(), events, timeout.toSeconds());
                    break;
                }
            }
        }
        if (failure == null && !reader.readToEnd(READ_TO_END_TIMEOUT, tally)) {
            failure = "could not read the output topics to their end";
        }
        progress.finish(sender.acknowledged(), tally.verified(), tally.rejected(), since(started));
        return failure;
    }

    /**
     * The anomalies the detectors wrote, a moment after the last verdict; with the attack injected, waits for the
     * kinds it provokes.
     */
    private void printAnomalies(PrintWriter out, AnomalyReader anomalies, String topic) {
        List<AnomalyKind> expected = injectAttack ? ATTACK_KINDS : List.of();
        boolean all = anomalies.awaitSettled(expected, ANOMALIES_QUIET, ANOMALIES_TIMEOUT);
        anomalies.print(out, topic);
        if (!all) {
            out.printf("  (the attack's %s did not all arrive within %d s)%n", expected,
                    ANOMALIES_TIMEOUT.toSeconds());
        }
        out.println();
    }

    /** Waits for the pipeline to run, giving up early on Ctrl-C. */
    private static boolean awaitRunning(IdentityAuditPipeline running, ShutdownSignal signal)
            throws InterruptedException {
        long deadline = System.nanoTime() + PIPELINE_START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline && !signal.requested()) {
            if (running.awaitRunning(POLL_INTERVAL)) {
                return true;
            }
            if (running.isStopped()) {
                return false;
            }
        }
        return false;
    }

    private int keepRunning(PrintWriter out, ShutdownSignal signal, IdentityAuditPipeline running, String bootstrap,
                            int result) throws InterruptedException {
        out.printf("Still running (--keep-running): Kafka at %s, the pipeline and the simulated orgs. "
                + "Ctrl-C stops everything.%n", bootstrap);
        out.flush();
        Thread watcher = new Thread(() -> {
            try {
                running.awaitStopped();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            signal.request();
        }, "identity-audit-demo-watch");
        watcher.setDaemon(true);
        watcher.start();
        signal.await();
        if (running.isStopped()) {
            out.println("The pipeline stopped on an error; see the log.");
            return ExitCode.FAILED;
        }
        out.println("Stopping: closing the pipeline, the broker and the orgs...");
        out.flush();
        return result;
    }

    private void saveTenants(PrintWriter out, Producer<String, byte[]> producer, Topics topics, DemoTenants tenants)
            throws Exception {
        for (TenantSsoConfig config : tenants.configs()) {
            producer.send(new ProducerRecord<>(topics.tenantConfigs(), null, config.getUpdatedAt().toEpochMilli(),
                    config.getTenantId(), Contracts.TENANT_CONFIG.encode(config)))
                    .get(SEND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        out.printf("Demo tenants saved to %s (updatedAt %s):%n", topics.tenantConfigs(), tenants.savedAt());
        for (DemoTenants.DemoTenant tenant : tenants.all()) {
            out.printf("  %-9s %-22s %-24s %s%n", tenant.tenantId(),
                    tenant.saved() ? tenant.clientId() : "(no configuration)",
                    tenant.saved() ? tenant.domain() + (tenant.enabled() ? "" : " (off)") : "",
                    tenant.situation());
        }
    }

    /** Serves /metrics when enabled; a busy port only costs the endpoint, never the demo. */
    private String serveMetrics(PrintWriter err, Observability observability, IdentityAuditPipeline running) {
        if (!metrics.enabled) {
            return null;
        }
        try {
            MetricsServer server = observability.serve(metrics.host, metrics.port, running::isHealthy);
            String host = "0.0.0.0".equals(metrics.host) ? "localhost" : metrics.host;
            return "http://" + host + ":" + server.port() + "/metrics";
        } catch (IOException e) {
            err.printf("identity-audit demo: no metrics endpoint: %s:%d is not available (%s); use --metrics-port 0 "
                    + "for any free port%n", metrics.host, metrics.port, e.getMessage());
            return null;
        }
    }

    private void printWhereThingsAre(PrintWriter out, String bootstrap, Topics topics, Path dataDir,
                                     boolean dataDirGiven, SimulatedOktaOrg org, SimulatedOktaOrg downOrg,
                                     String metricsUrl) {
        out.println("Where things are");
        out.printf("  Kafka:           %s%s%n", bootstrap, bootstrapServers != null ? ""
                : " (embedded single-node broker, up while the demo runs)");
        out.printf("  events in:       %s (Avro WidgetSessionEvent, single-object encoding)%n",
                topics.sessionEvents());
        out.printf("  tenant configs:  %s (compacted, key = tenant id)%n", topics.tenantConfigs());
        out.printf("  verified out:    %s (Avro VerifiedIdentity, key = session id)%n", topics.verified());
        out.printf("  rejected out:    %s (Avro IdentityRejection with errorCode, detail and hint)%n",
                topics.rejected());
        out.printf("  anomalies out:   %s (Avro SecurityAnomaly); config audit: %s%n", topics.anomalies(),
                topics.configChanges());
        out.printf("  data directory:  %s%s%n", dataDir, dataDirGiven ? ""
                : " (temporary: deleted when the demo ends; --data-dir DIR keeps the data)");
        out.printf("  Okta orgs:       %s (healthy), %s (answers %d), up while the demo runs%n", org.issuer(),
                downOrg.issuer(), OUTAGE_STATUS);
        out.printf("  metrics:         %s%n", metricsUrl == null ? "off"
                : metricsUrl + " (Prometheus format; health at /health)");
        out.printf("  read outputs:    kcat -b %s -C -t %s -o beginning -e -f '%%k %%s\\n'%n", bootstrap,
                topics.rejected());
        out.println("                   (kcat reads read_committed by default; values are Avro single-object "
                + "encoded, schemas in schemas/)");
        if (!keepRunning) {
            out.println("                   Everything stops when the demo ends: add --keep-running to look around.");
        }
    }

    private StreamsRuntime streamsRuntime(String bootstrap, Path dataDir) {
        Path stateDir = runtime.stateDir != null ? runtime.stateDir : dataDir.resolve("streams");
        int threads = runtime.streamThreads != null ? runtime.streamThreads
                : Runtime.getRuntime().availableProcessors();
        // The demo's own broker: Kafka properties from a config file are meant for a real cluster, not for it.
        return new StreamsRuntime(runtime.applicationId, bootstrap, stateDir, threads, Map.of());
    }

    /** Binding is the only reliable test: a broker listening on 0.0.0.0 or 127.0.0.1 makes it fail. */
    private static boolean portIsFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean outputShowsUnicode() {
        try {
            String encoding = System.getProperty("sun.stdout.encoding");
            Charset charset = encoding != null ? Charset.forName(encoding) : Charset.defaultCharset();
            return charset.newEncoder().canEncode('\u00b7');
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            log.warn("Could not delete the demo's temporary data directory {}: {}", dir, e.toString());
        }
    }
}
