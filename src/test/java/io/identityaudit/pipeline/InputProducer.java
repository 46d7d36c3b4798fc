package io.identityaudit.pipeline;

import io.identityaudit.avro.TenantSsoConfig;
import io.identityaudit.avro.WidgetSessionEvent;
import io.identityaudit.serde.Contracts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes what a session service and the dashboard write: events in Avro single-object encoding keyed by session
 * id with {@code occurredAt} as the record time, tenant configs keyed by tenant id; or any bytes at all.
 */
final class InputProducer implements AutoCloseable {

    private static final long SEND_TIMEOUT_SECONDS = 60;

    private final KafkaProducer<String, byte[]> producer;

    InputProducer(String bootstrapServers) {
        this(bootstrapServers, Map.of());
    }

    InputProducer(String bootstrapServers, Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000));
        config.putAll(overrides);
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    RecordMetadata send(String topic, WidgetSessionEvent event) {
        return sendRaw(topic, event.getSessionId(), Contracts.SESSION_EVENT.encode(event), event.getOccurredAt());
    }

    /** Sends every event without waiting for each, then waits until all are acknowledged. */
    List<RecordMetadata> sendAll(String topic, List<WidgetSessionEvent> events) {
        List<Future<RecordMetadata>> sent = new ArrayList<>(events.size());
        for (WidgetSessionEvent event : events) {
            sent.add(producer.send(new ProducerRecord<>(topic, null, event.getOccurredAt().toEpochMilli(),
                    event.getSessionId(), Contracts.SESSION_EVENT.encode(event))));
        }
        producer.flush();
        List<RecordMetadata> acknowledged = new ArrayList<>(sent.size());
        for (Future<RecordMetadata> future : sent) {
            acknowledged.add(await(future));
        }
        return acknowledged;
    }

    RecordMetadata sendRaw(String topic, String key, byte[] value, Instant timestamp) {
        return await(producer.send(new ProducerRecord<>(topic, null, timestamp.toEpochMilli(), key, value)));
    }

    RecordMetadata saveTenant(String topic, TenantSsoConfig config) {
        return sendRaw(topic, config.getTenantId(), Contracts.TENANT_CONFIG.encode(config), config.getUpdatedAt());
    }

    private static RecordMetadata await(Future<RecordMetadata> future) {
        try {
            return future.get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while producing", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("producing failed: " + e, e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
