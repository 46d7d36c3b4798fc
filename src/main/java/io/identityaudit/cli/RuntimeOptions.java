package io.identityaudit.cli;

import io.identityaudit.pipeline.StreamsRuntime;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Where and how the pipeline runs: its Streams identity, threads, local data and the topics it creates. */
public final class RuntimeOptions {

    @Option(names = "--application-id", paramLabel = "ID", defaultValue = StreamsRuntime.DEFAULT_APPLICATION_ID,
            description = "Kafka Streams application id: instances with the same id share the work (default: ${DEFAULT-VALUE}).")
    String applicationId;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "identity-audit-data",
            description = "Local data: the embedded broker's log (DIR/kafka) and the Streams state (DIR/streams) "
                    + "(default for run: ${DEFAULT-VALUE}; demo: a fresh temporary directory).")
    Path dataDir;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Kafka Streams state directory (default: DATA-DIR/streams).")
    Path stateDir;

    @Option(names = "--embedded-port", paramLabel = "PORT", defaultValue = "9092",
            description = "Port of the embedded broker on localhost when no --bootstrap-servers is given; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int embeddedPort;

    @Option(names = "--stream-threads", paramLabel = "N",
            description = "Stream threads (default: the number of cores).")
    Integer streamThreads;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "4",
            description = "Partitions of the event and output topics when they are created (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--replication-factor", paramLabel = "N",
            description = "Replication factor of created topics (default: the cluster's default.replication.factor; 1 on the embedded broker).")
    Short replicationFactor;

    @Option(names = "--create-topics", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Create missing topics at start-up (default: ${DEFAULT-VALUE}).")
    boolean createTopics;

    Optional<Short> replicationFactor() {
        return Optional.ofNullable(replicationFactor);
    }

    StreamsRuntime streamsRuntime(String bootstrapServers, Map<String, String> kafkaProperties) {
        Path state = stateDir != null ? stateDir : dataDir.resolve("streams");
        int threads = streamThreads != null ? streamThreads : Runtime.getRuntime().availableProcessors();
        return new StreamsRuntime(applicationId, bootstrapServers, state, threads, kafkaProperties);
    }
}
