package io.identityaudit.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsRuntimeTest {

    private static final String CLIENT_ID = "identity-audit-StreamThread-1-producer";

    /** The configuration Kafka Streams hands its producers, after its own exactly-once defaults. */
    private static Map<String, Object> producerConfigs(Map<String, String> overrides) {
        StreamsRuntime runtime = new StreamsRuntime("app", "127.0.0.1:9092", Path.of("state"), 1, overrides);
        return new StreamsConfig(runtime.streamsProperties()).getProducerConfigs(CLIENT_ID);
    }

    @Test
    void producersSendLargeBatchesEveryFewMillisecondsInsteadOfAtTheCommit() {
        Map<String, Object> producer = producerConfigs(Map.of());

        assertThat(producer)
                .containsEntry(ProducerConfig.BATCH_SIZE_CONFIG, StreamsRuntime.PRODUCER_BATCH_BYTES)
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, StreamsRuntime.PRODUCER_LINGER_MS)
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all");
        assertThat(StreamsRuntime.PRODUCER_BATCH_BYTES)
                .as("larger than the producer's default, which sent each commit's outputs in many requests")
                .isGreaterThan((Integer) ProducerConfig.configDef().defaultValues().get(ProducerConfig.BATCH_SIZE_CONFIG));
        assertThat((long) StreamsRuntime.PRODUCER_LINGER_MS)
                .as("shorter than the commit interval, Kafka Streams' own linger under exactly-once")
                .isLessThan(new StreamsConfig(Map.of(StreamsConfig.APPLICATION_ID_CONFIG, "app",
                        StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092",
                        StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2))
                        .getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
    }

    @Test
    void anOperatorsPropertyWinsOverTheDefaultsSetHere() {
        Map<String, Object> producer = producerConfigs(Map.of(
                StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), "16384",
                StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), "100"));

        assertThat(producer)
                .containsEntry(ProducerConfig.BATCH_SIZE_CONFIG, "16384")
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, "100");
    }
}
