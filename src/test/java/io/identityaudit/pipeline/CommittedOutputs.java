package io.identityaudit.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.identityaudit.avro.IdentityRejection;
import io.identityaudit.avro.VerifiedIdentity;
import io.identityaudit.config.Topics;
import io.identityaudit.serde.Contracts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the verified and rejected topics the way a downstream auditor does: {@code read_committed}, every
 * partition, from the beginning. Records of aborted transactions (a killed instance's unfinished work) are never
 * seen, so whatever is counted here is what the pipeline really committed.
 *
 * <p>Not thread-safe: one test thread polls it.
 */
final class CommittedOutputs implements AutoCloseable {

    static final String VERIFIED = "VERIFIED";
    private static final Duration POLL = Duration.ofMillis(200);

    /**
     * One output record, verified or rejected, flattened to what the exactly-once checks need.
     *
     * @param verdict {@link #VERIFIED} or the rejection's error code
     */
    record Output(String topic, int partition, long offset, String key, String eventId, String tenantId,
                  String sessionId, String verdict, String detail, String inputTopic, int inputPartition,
                  long inputOffset) {

        /** The input this output answers: its event id, or for an unreadable event its input key. */
        String input() {
            return eventId != null ? eventId : inputKey(key);
        }

        boolean verified() {
            return VERIFIED.equals(verdict);
        }
    }

    /** How an unreadable event (no event id) is named among the expected inputs. */
    static String inputKey(String key) {
        return "key:" + key;
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final Topics topics;
    private final List<TopicPartition> partitions = new ArrayList<>();
    private final List<Output> outputs = new ArrayList<>();

    CommittedOutputs(String bootstrapServers, Topics topics) {
        this(bootstrapServers, topics, IsolationLevel.READ_COMMITTED);
    }

    /** Only for diagnostics: {@code read_uncommitted} also shows the records of aborted transactions. */
    CommittedOutputs(String bootstrapServers, Topics topics, IsolationLevel isolation) {
        this.topics = topics;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000,
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000),
                new StringDeserializer(), new ByteArrayDeserializer());
        for (String topic : List.of(topics.verified(), topics.rejected())) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Everything read so far. */
    List<Output> outputs() {
        return List.copyOf(outputs);
    }

    /** Polls once; returns everything read so far. */
    List<Output> poll() {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
            outputs.add(toOutput(record));
        }
        return outputs();
    }

    /** Polls until at least {@code count} outputs are visible. */
    List<Output> awaitAtLeast(int count, Duration timeout) {
        await("at least " + count + " committed outputs").atMost(timeout).pollInSameThread()
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
                .until(() -> poll().size() >= count);
        return outputs();
    }

    /**
     * Polls until every expected input has an output, then on to the end of every partition (the last stable
     * offset, as this consumer reads committed data), so that a late duplicate would be seen too.
     */
    List<Output> awaitAll(Collection<String> expectedInputs, Duration timeout) {
        Set<String> expected = Set.copyOf(expectedInputs);
        await("an output for each of " + expected.size() + " inputs").atMost(timeout).pollInSameThread()
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
                .until(() -> {
                    Set<String> seen = poll().stream().map(Output::input).collect(Collectors.toSet());
                    return seen.containsAll(expected);
                });
        return drainToEnd(timeout);
    }

    /** Polls until this consumer has reached the current end of every partition. */
    List<Output> drainToEnd(Duration timeout) {
        await("the end of the output partitions").atMost(timeout).pollInSameThread()
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
                .until(() -> {
                    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
                    poll();
                    return ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
                });
        return outputs();
    }

    /**
     * Asserts that {@code outputs} answer every expected input exactly once and nothing else: no input lost, none
     * judged twice, no output without an input.
     */
    static void assertEachExactlyOnce(Collection<String> expectedInputs, List<Output> outputs) {
        Map<String, Long> counts = outputs.stream()
                .collect(Collectors.groupingBy(Output::input, LinkedHashMap::new, Collectors.counting()));
        Set<String> duplicated = counts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
        Set<String> missing = new HashSet<>(expectedInputs);
        missing.removeAll(counts.keySet());
        Set<String> unexpected = new HashSet<>(counts.keySet());
        unexpected.removeAll(new HashSet<>(expectedInputs));

        assertThat(duplicated).as("inputs with more than one output (%d), e.g. %s", duplicated.size(),
                sample(duplicated)).isEmpty();
        assertThat(missing).as("inputs without an output (%d of %d), e.g. %s", missing.size(),
                expectedInputs.size(), sample(missing)).isEmpty();
        assertThat(unexpected).as("outputs for no known input (%d), e.g. %s", unexpected.size(),
                sample(unexpected)).isEmpty();
        assertThat(outputs).hasSize(expectedInputs.size());
    }

    static Map<String, Output> byInput(List<Output> outputs) {
        return outputs.stream().collect(Collectors.toMap(Output::input, Function.identity()));
    }

    private static List<String> sample(Set<String> values) {
        return values.stream().sorted().limit(10).toList();
    }

    private Output toOutput(ConsumerRecord<String, byte[]> record) {
        if (record.topic().equals(topics.verified())) {
            VerifiedIdentity identity = Contracts.VERIFIED.decode(record.value());
            return new Output(record.topic(), record.partition(), record.offset(), record.key(),
                    identity.getEventId(), identity.getTenantId(), identity.getSessionId(), VERIFIED, null,
                    identity.getInputTopic(), identity.getInputPartition(), identity.getInputOffset());
        }
        IdentityRejection rejection = Contracts.REJECTION.decode(record.value());
        return new Output(record.topic(), record.partition(), record.offset(), record.key(),
                rejection.getEventId(), rejection.getTenantId(), rejection.getSessionId(), rejection.getErrorCode(),
                rejection.getDetail(), rejection.getInputTopic(), rejection.getInputPartition(),
                rejection.getInputOffset());
    }

    @Override
    public void close() {
        consumer.close();
    }
}
