package io.identityaudit.pipeline;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndFailExceptionHandler;
import org.apache.kafka.streams.errors.LogAndFailProcessingExceptionHandler;

/**
 * How the pipeline joins Kafka: the Streams properties set on purpose, each with its reason, and whatever the
 * operator passes through (which wins).
 *
 * @param kafkaOverrides any Kafka Streams, consumer, producer or admin property, applied last
 */
public record StreamsRuntime(String applicationId, String bootstrapServers, Path stateDir, int streamThreads,
                             Map<String, String> kafkaOverrides) {

    public static final String DEFAULT_APPLICATION_ID = "identity-audit";
    /** Producer batch size: a partition's verdicts of one linger at full rate fit in one batch. */
    public static final int PRODUCER_BATCH_BYTES = 128 * 1024;
    /** How long the producer gathers a batch; far below the commit interval, so a commit has little to flush. */
    public static final int PRODUCER_LINGER_MS = 10;

    public StreamsRuntime {
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(stateDir, "stateDir");
        if (streamThreads < 1) {
            throw new IllegalArgumentException("at least one stream thread is needed");
        }
        kafkaOverrides = Map.copyOf(kafkaOverrides);
    }

    public Properties streamsProperties() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        // Every event yields exactly one verdict, also across crashes and rebalances.
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // Validation is CPU-bound (RSA) and never repartitions: one thread per core uses the machine.
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streamThreads);
        // A rename of a store or internal topic must be a deliberate, reviewed change, never a silent reset.
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        // Values are read as bytes and keys as UTF-8, so nothing fails here; should it, stop rather than skip.
        props.put(StreamsConfig.DEFAULT_DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndFailExceptionHandler.class);
        // The verifier turns every exception into an INTERNAL_ERROR rejection; one that still escapes is a bug
        // in the output path, and failing aborts the transaction so the event is retried, not lost.
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndFailProcessingExceptionHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
        // Outputs are small (no token, bounded details); a failed send must not be skipped under exactly-once.
        props.put(StreamsConfig.producerPrefix(ProducerConfig.ACKS_CONFIG), "all");
        // Outputs only become visible when their transaction commits, so sending each 16 KB batch the moment it
        // fills (hundreds of small produce requests a second) gains nothing. Larger batches sent every few
        // milliseconds go out in fewer requests, and leave the commit little to flush; Kafka Streams' own linger
        // under exactly-once is the whole commit interval, which made every commit wait for one burst
        // (docs/performance.md, "Producer batches with a short linger").
        props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), PRODUCER_BATCH_BYTES);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), PRODUCER_LINGER_MS);
        // A task reads the session events and the retry topic, which are independent: it must never idle on
        // one of them (the default waits to fetch retries already on the broker before judging new events, so
        // one org's retries would slow every tenant's events on the partition).
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        // A new application starts with the oldest events still retained, so none is left unjudged.
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        props.putAll(kafkaOverrides);
        return props;
    }
}
