package io.identityaudit.cli;

import io.identityaudit.avro.TenantSsoConfig;
import io.identityaudit.config.Topics;
import io.identityaudit.pipeline.TopicLayout;
import io.identityaudit.pipeline.TopicProvisioner;
import io.identityaudit.serde.Contracts;
import io.identityaudit.serde.MalformedRecordException;
import io.identityaudit.token.SafeText;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The compacted tenant config topic, as the dashboard's Save Changes would use it: one record per save, keyed by
 * tenant id, stamped with the save time; a tombstone deletes. Reading replays the topic the way the pipeline's
 * config loader does, so what is listed is what the pipeline applies.
 *
 * <p>Every failure to reach Kafka, or a refusal by it, surfaces as a {@link KafkaFailure} within the
 * clients' timeouts.
 */
final class TenantConfigTopic {

    private static final Duration POLL = Duration.ofMillis(200);

    private final String bootstrapServers;
    private final Map<String, String> passThrough;
    private final Topics topics;
    private final String topic;

    TenantConfigTopic(String bootstrapServers, Map<String, String> passThrough, Topics topics) {
        this.bootstrapServers = bootstrapServers;
        this.passThrough = Map.copyOf(passThrough);
        this.topics = topics;
        this.topic = topics.tenantConfigs();
    }

    String topic() {
        return topic;
    }

    /**
     * Creates the topic as {@code run} would (compacted, one partition) when it is missing, rather than letting a
     * broker with auto-creation make an uncompacted one on the first save. Returns whether it was created.
     */
    boolean ensureExists() {
        Properties properties = KafkaClients.admin(bootstrapServers, passThrough);
        Duration timeout = KafkaClients.apiTimeout(properties);
        try (Admin admin = Admin.create(properties)) {
            boolean existed = exists(admin, timeout);
            if (!existed) {
                TopicProvisioner.ensure(admin, List.of(configTopic()), timeout);
            }
            return !existed;
        } catch (IllegalStateException | KafkaException e) {
            throw KafkaFailure.of(bootstrapServers, "creating topic " + topic, timeout, rootOf(e));
        }
    }

    boolean exists() {
        Properties properties = KafkaClients.admin(bootstrapServers, passThrough);
        Duration timeout = KafkaClients.apiTimeout(properties);
        try (Admin admin = Admin.create(properties)) {
            return exists(admin, timeout);
        } catch (KafkaException e) {
            throw KafkaFailure.of(bootstrapServers, "listing topics", timeout, e);
        }
    }

    private boolean exists(Admin admin, Duration timeout) {
        try {
            return admin.listTopics().names().get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS).contains(topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KafkaFailure.of(bootstrapServers, "listing topics", timeout, e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw KafkaFailure.of(bootstrapServers, "listing topics", timeout, e);
        }
    }

    private NewTopic configTopic() {
        // The partition count given here applies to the event and output topics only; the layout decides this one.
        return new TopicLayout(topics, 1, Optional.empty()).newTopics().stream()
                .filter(newTopic -> newTopic.name().equals(topic))
                .findFirst()
                .orElseThrow();
    }

    RecordMetadata save(TenantSsoConfig config) {
        return send(config.getTenantId(), Contracts.TENANT_CONFIG.encode(config), config.getUpdatedAt(),
                "saving tenant " + SafeText.quote(config.getTenantId()));
    }

    /** A tombstone: the pipeline ends the tenant's config as of {@code at}. */
    RecordMetadata delete(String tenantId, Instant at) {
        return send(tenantId, null, at, "deleting tenant " + SafeText.quote(tenantId));
    }

    private RecordMetadata send(String tenantId, byte[] value, Instant timestamp, String doing) {
        Properties properties = KafkaClients.producer(bootstrapServers, passThrough);
        Duration timeout = KafkaClients.apiTimeout(properties);
        try (KafkaProducer<String, byte[]> producer =
                     new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer())) {
            return producer.send(new ProducerRecord<>(topic, null, timestamp.toEpochMilli(), tenantId, value))
                    .get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KafkaFailure.of(bootstrapServers, doing, timeout, e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException | KafkaException e) {
            throw KafkaFailure.of(bootstrapServers, doing + " to " + topic, timeout, e);
        }
    }

    /** Reads every partition from its beginning up to the end offsets taken at the start (the stable end). */
    TenantSnapshot read() {
        Properties properties = KafkaClients.consumer(bootstrapServers, passThrough);
        Duration timeout = KafkaClients.apiTimeout(properties);
        try (KafkaConsumer<String, byte[]> consumer =
                     new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> partitionInfos = consumer.partitionsFor(topic);
            if (partitionInfos == null || partitionInfos.isEmpty()) {
                return TenantSnapshot.missing(topic);
            }
            List<TopicPartition> partitions = partitionInfos.stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> endOffsets = consumer.endOffsets(partitions);
            Replay replay = new Replay();
            long remaining = remaining(consumer, endOffsets);
            long lastProgress = System.nanoTime();
            while (remaining > 0) {
                consumer.poll(POLL).forEach(replay::apply);
                long left = remaining(consumer, endOffsets);
                if (left < remaining) {
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > timeout.toNanos()) {
                    throw new KafkaFailure("Kafka at " + bootstrapServers + " stopped delivering " + topic
                            + " before its end (" + left + " offsets left, none for " + timeout.toSeconds()
                            + " s)", null);
                }
                remaining = left;
            }
            return replay.snapshot(topic);
        } catch (KafkaException e) {
            throw KafkaFailure.of(bootstrapServers, "reading " + topic, timeout, e);
        }
    }

    /** Offsets still to read; transaction markers count, as read_committed skips them without a record. */
    private static long remaining(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> endOffsets) {
        return endOffsets.entrySet().stream()
                .mapToLong(end -> Math.max(0, end.getValue() - consumer.position(end.getKey())))
                .sum();
    }

    private static Throwable rootOf(RuntimeException e) {
        return e instanceof IllegalStateException && e.getCause() != null ? e.getCause() : e;
    }

    /** The pipeline's config loader, applied to the whole topic: latest readable config per tenant wins. */
    private static final class Replay {
        final Map<String, TenantSsoConfig> configs = new HashMap<>();
        final Map<String, List<String>> ignored = new HashMap<>();
        final List<String> unkeyed = new ArrayList<>();
        long recordsRead;

        void apply(ConsumerRecord<String, byte[]> record) {
            recordsRead++;
            String position = "partition " + record.partition() + " offset " + record.offset();
            String tenantId = record.key();
            if (tenantId == null) {
                unkeyed.add(position);
                return;
            }
            if (record.value() == null) {
                configs.remove(tenantId);
                ignored.remove(tenantId);
                return;
            }
            TenantSsoConfig config;
            try {
                config = Contracts.TENANT_CONFIG.decode(record.value());
            } catch (MalformedRecordException e) {
                ignore(tenantId, position, "unreadable: " + e.getMessage());
                return;
            }
            if (!tenantId.equals(config.getTenantId())) {
                ignore(tenantId, position, "its tenantId " + SafeText.quote(config.getTenantId())
                        + " differs from its key");
                return;
            }
            configs.put(tenantId, config);
            ignored.remove(tenantId);
        }

        private void ignore(String tenantId, String position, String why) {
            ignored.computeIfAbsent(tenantId, id -> new ArrayList<>()).add(position + ": " + why);
        }

        TenantSnapshot snapshot(String topic) {
            TreeMap<String, TenantEntry> tenants = new TreeMap<>();
            configs.forEach((id, config) -> tenants.put(id, new TenantEntry(id, config, List.of())));
            ignored.forEach((id, problems) -> tenants.put(id,
                    new TenantEntry(id, configs.get(id), problems)));
            return new TenantSnapshot(topic, true, tenants, unkeyed, recordsRead);
        }
    }
}
