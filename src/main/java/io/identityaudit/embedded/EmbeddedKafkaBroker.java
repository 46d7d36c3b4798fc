package io.identityaudit.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.identityaudit.pipeline.TopicProvisioner;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Apache Kafka broker (KRaft, broker and controller in one process) running inside this JVM, so
 * that {@code run}, {@code demo} and the integration tests need no Kafka installation and no Docker.
 *
 * <p>It listens on 127.0.0.1 only and keeps its data in the given directory. Starting again on a directory that
 * is already formatted keeps every topic and record; pass the same port to come back at the same address.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, 0)) {
 *     broker.createTopics(List.of(new NewTopic("events", 3, (short) 1)));
 *     // ... clients use broker.bootstrapServers()
 * }
 * }</pre>
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);

    private final KafkaRaftServer server;
    private final int port;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedKafkaBroker(KafkaRaftServer server, int port) {
        this.server = server;
        this.port = port;
    }

    /** Starts a broker with data in {@code dataDir} on {@code port} (0: any free port) and waits until it answers. */
    public static EmbeddedKafkaBroker start(Path dataDir, int port) {
        return start(dataDir, port, Map.of());
    }

    /**
     * As {@link #start(Path, int)}, with broker properties that override the defaults here (listeners, node id and
     * directories excepted: this class owns those).
     */
    public static EmbeddedKafkaBroker start(Path dataDir, int port, Map<String, String> extraProperties) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        Path dir = dataDir.toAbsolutePath();
        // The PLAINTEXT port is chosen here rather than bound as port 0 by Kafka: KafkaRaftServer does not reveal
        // the port it bound, and clients need it. The controller port is fresh on every start: with a static
        // quorum (controller.quorum.voters) the voter endpoints live in configuration only, never in the log, so a
        // formatted directory accepts a different controller port after a restart.
        int brokerPort = port == 0 ? freePort() : port;
        int controllerPort = freePort();
        Properties props = brokerProperties(dir, brokerPort, controllerPort, extraProperties);

        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create broker data directory " + dir, e);
        }
        boolean formatted = Files.exists(dir.resolve("meta.properties"));
        if (!formatted) {
            format(dir, props);
        }

        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(server, brokerPort);
        try {
            server.startup();
            broker.awaitReady();
        } catch (RuntimeException e) {
            broker.close();
            // Kafka's own message ("fatal error while waiting for ... Acceptors") hides the usual cause, a busy port.
            throw new IllegalStateException("embedded Kafka broker did not start at " + broker.bootstrapServers()
                    + " with data in " + dir + " (is the port in use, or the directory used by another broker?)", e);
        }
        log.info("Embedded Kafka broker ready at {} ({} data in {})",
                broker.bootstrapServers(), formatted ? "existing" : "new", dir);
        return broker;
    }

    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    /**
     * Creates the topics that do not exist yet, then waits until every partition of every given topic has a
     * leader. Producing before that gets NOT_LEADER_OR_FOLLOWER, and an idempotent producer can then fall into an
     * endless OUT_OF_ORDER_SEQUENCE_NUMBER retry loop.
     */
    public void createTopics(Collection<NewTopic> topics) {
        try (Admin admin = admin()) {
            TopicProvisioner.ensure(admin, topics, READY_TIMEOUT);
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.shutdown();
            server.awaitShutdown();
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) READY_TIMEOUT.toMillis(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000));
    }

    private void awaitReady() {
        try (Admin admin = admin()) {
            awaitUntil("the broker to answer at " + bootstrapServers(),
                    () -> !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty());
        }
    }

    /** A failed check counts as "not yet": a starting broker refuses connections and reports unknown topics. */
    private static void awaitUntil(String what, Callable<Boolean> check) {
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        Exception last = null;
        while (Instant.now().isBefore(deadline)) {
            try {
                if (check.call()) {
                    return;
                }
            } catch (InterruptedException e) {
                throw interruptedOrTimedOut("waiting for " + what, e);
            } catch (Exception e) {
                last = e;
            }
            try {
                Thread.sleep(POLL_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                throw interruptedOrTimedOut("waiting for " + what, e);
            }
        }
        throw new IllegalStateException("timed out after " + READY_TIMEOUT + " waiting for " + what, last);
    }

    private static RuntimeException interruptedOrTimedOut(String doing, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return new IllegalStateException("interrupted while " + doing, e);
        }
        return new IllegalStateException("timed out " + doing, e);
    }

    private static Properties brokerProperties(
            Path dir, int brokerPort, int controllerPort, Map<String, String> extraProperties) {
        Properties props = new Properties();
        // One node holds every replica, so every internal topic gets one replica and needs only one in sync;
        // without the transaction ones, exactly-once producers never get a coordinator.
        props.put("offsets.topic.replication.factor", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        // Fifty partitions per internal topic only cost start-up time and file handles on a laptop.
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.num.partitions", "5");
        // Nobody else is going to join: start the first rebalance at once.
        props.put("group.initial.rebalance.delay.ms", "0");
        // Topics are created on purpose, with their partition count and cleanup policy, never by a typo.
        props.put("auto.create.topics.enable", "false");
        // The log cleaner's offset map takes 128 MB of this JVM's heap by default (seen in a heap dump of the
        // bench at -Xmx256m): half of a small heap shared with the pipeline. 16 MB still maps about 600,000 keys
        // per cleaning, far more than a single-node broker's compacted topics hold.
        props.put("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));
        props.putAll(extraProperties);

        props.put("process.roles", "broker,controller");
        props.put("node.id", String.valueOf(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        props.put("listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", dir.toString());
        props.put("metadata.log.dir", dir.toString());
        return props;
    }

    /** Formats like {@code kafka-storage.sh format}; StorageTool reads its settings from a file only. */
    private static void format(Path dir, Properties props) {
        Path config = null;
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try {
            config = Files.createTempFile("embedded-kafka-", ".properties");
            try (OutputStream out = Files.newOutputStream(config)) {
                props.store(out, "embedded Kafka broker, for formatting " + dir);
            }
            String[] args = {"format", "--config", config.toString(), "--cluster-id", Uuid.randomUuid().toString()};
            int status;
            try (PrintStream quiet = new PrintStream(output, true, StandardCharsets.UTF_8)) {
                status = StorageTool.execute(args, quiet);
            }
            if (status != 0) {
                throw new IllegalStateException("formatting " + dir + " failed (status " + status + "): "
                        + output.toString(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot format " + dir, e);
        } finally {
            deleteQuietly(config);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.debug("could not delete {}", file, e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + HOST, e);
        }
    }
}
