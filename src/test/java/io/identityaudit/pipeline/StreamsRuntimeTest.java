package io.identityaudit.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsRuntimeTest {

    private static final String PRODUCER_BATCH_SIZE = StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG);

    @Test
    void producersBatchAWholeCommitIntervalOfAPartitionsOutputs() {
        StreamsRuntime runtime = new StreamsRuntime("app", "127.0.0.1:9092", Path.of("state"), 1, Map.of());

        assertThat(runtime.streamsProperties())
                .containsEntry(PRODUCER_BATCH_SIZE, StreamsRuntime.PRODUCER_BATCH_BYTES)
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(StreamsRuntime.PRODUCER_BATCH_BYTES)
                .as("larger than the producer's default, which split each commit's outputs into many requests")
                .isGreaterThan((Integer) ProducerConfig.configDef().defaultValues().get(ProducerConfig.BATCH_SIZE_CONFIG));
    }

    @Test
    void batchesAreSmallerInASmallHeap() {
        assertThat(StreamsRuntime.producerBatchBytes(256L << 20)).isEqualTo(64 * 1024);
        assertThat(StreamsRuntime.producerBatchBytes(1L << 30)).isEqualTo(256 * 1024);
        assertThat(StreamsRuntime.producerBatchBytes(6L << 30)).isEqualTo(256 * 1024);
    }

    @Test
    void anOperatorsPropertyWinsOverTheDefaultsSetHere() {
        StreamsRuntime runtime = new StreamsRuntime("app", "127.0.0.1:9092", Path.of("state"), 1,
                Map.of(PRODUCER_BATCH_SIZE, "65536"));

        assertThat(runtime.streamsProperties()).containsEntry(PRODUCER_BATCH_SIZE, "65536");
    }
}
