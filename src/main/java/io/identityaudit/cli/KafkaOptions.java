package io.identityaudit.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** How a command reaches Kafka. */
public final class KafkaOptions {

    public static final String LOCAL_BOOTSTRAP = "127.0.0.1:9092";

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            description = "Kafka cluster to use. For run: without it, an embedded single-node broker is started.")
    String bootstrapServers;

    @Option(names = "--kafka", paramLabel = "KEY=VALUE", split = ",",
            description = "A Kafka client or Streams property passed through (e.g. --kafka security.protocol=SSL). "
                    + "Repeatable; in the config file write kafka.KEY=VALUE.")
    Map<String, String> kafkaProperties = new LinkedHashMap<>();

    /** The bootstrap servers, or the embedded broker's default address for commands that talk to one. */
    public String bootstrapOrLocal() {
        return bootstrapServers != null ? bootstrapServers : LOCAL_BOOTSTRAP;
    }

    /** Passed-through properties: the config file's kafka.* keys, overridden by --kafka flags. */
    public Map<String, String> properties(LayeredDefaults defaults) {
        Map<String, String> merged = new LinkedHashMap<>(defaults.kafkaProperties());
        merged.putAll(kafkaProperties);
        return merged;
    }
}
