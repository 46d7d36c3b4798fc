package io.identityaudit.demo;

import io.identityaudit.avro.IdentityRejection;
import io.identityaudit.avro.VerifiedIdentity;
import io.identityaudit.config.Topics;
import io.identityaudit.serde.Contracts;
import io.identityaudit.serde.MalformedRecordException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the verified and rejected topics the way downstream consumers do, with {@code read_committed}: a verdict
 * counts once the pipeline's transaction committed it. Reads every partition from the beginning without a
 * consumer group and books each verdict in an {@link OutcomeTally}.
 *
 * <p>Not thread-safe: one thread polls.
 */
public final class VerdictReader implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(VerdictReader.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Topics topics;
    private final List<TopicPartition> partitions = new ArrayList<>();

    public VerdictReader(String bootstrapServers, Topics topics) {
        this.topics = topics;
        this.consumer = committedConsumer(bootstrapServers, "identity-audit-demo-verdicts",
                List.of(topics.verified(), topics.rejected()));
        partitions.addAll(consumer.assignment());
    }

    /**
     * A consumer without a group, assigned every partition of {@code topics} from the beginning, that sees only
     * what the pipeline committed: an aborted attempt's output is never counted.
     */
    static KafkaConsumer<String, byte[]> committedConsumer(String bootstrapServers, String clientId,
                                                           List<String> topics) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    /** Waits up to {@code timeout} for verdicts and books those that came. */
    public void poll(Duration timeout, OutcomeTally tally) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(timeout)) {
            book(record, tally);
        }
    }

    /**
     * Reads up to the last committed verdict present now, so that a late duplicate would be seen too.
     *
     * @return false if that end was not reached within {@code timeout}
     */
    public boolean readToEnd(Duration timeout, OutcomeTally tally) {
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            poll(Duration.ofMillis(100), tally);
        }
        return true;
    }

    private void book(ConsumerRecord<String, byte[]> record, OutcomeTally tally) {
        try {
            if (record.topic().equals(topics.verified())) {
                VerifiedIdentity identity = Contracts.VERIFIED.decode(record.value());
                tally.record(identity.getEventId(), Outcome.VERIFIED_LABEL);
            } else {
                IdentityRejection rejection = Contracts.REJECTION.decode(record.value());
                // An unreadable event has no eventId; its rejection is keyed by the input record's key.
                String id = rejection.getEventId() != null ? rejection.getEventId() : record.key();
                tally.record(id, rejection.getErrorCode());
            }
        } catch (MalformedRecordException e) {
            log.warn("Unreadable record at {}-{}@{} ignored: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            tally.record(null, "UNREADABLE");
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
