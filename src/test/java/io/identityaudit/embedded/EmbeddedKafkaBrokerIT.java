package io.identityaudit.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    static Path sharedDir;

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start(sharedDir, 0);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void idempotentProducerRecordsAreReadBackByAConsumerGroup() throws Exception {
        broker.createTopics(List.of(
                new NewTopic("events", 3, (short) 1),
                new NewTopic("tenants", 1, (short) 1)
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))));

        try (KafkaProducer<String, String> producer = producer(Map.of())) {
            for (int i = 0; i < 30; i++) {
                producer.send(new ProducerRecord<>("events", "k" + i, "v" + i)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
            producer.send(new ProducerRecord<>("tenants", "acme", "config-1")).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }

        assertThat(readAll(broker, "events", 30)).extracting(ConsumerRecord::value)
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 30).mapToObj(i -> "v" + i).toList());
        assertThat(readAll(broker, "tenants", 1)).extracting(ConsumerRecord::value).containsExactly("config-1");
    }

    @Test
    void committedTransactionIsVisibleToReadCommittedConsumerAndAbortedOneIsNot() throws Exception {
        broker.createTopics(List.of(new NewTopic("transactional", 1, (short) 1)));

        try (KafkaProducer<String, String> producer =
                     producer(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "embedded-it"))) {
            producer.initTransactions();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>("transactional", "k", "aborted"));
            producer.flush();
            producer.abortTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>("transactional", "k", "committed"));
            producer.commitTransaction();
        }

        assertThat(readAll(broker, "transactional", 1)).extracting(ConsumerRecord::value)
                .containsExactly("committed");
    }

    @Test
    void restartOnTheSameDirectoryAndPortKeepsRecords(@TempDir Path dir) throws Exception {
        int port;
        try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.start(dir, 0)) {
            port = first.port();
            first.createTopics(List.of(new NewTopic("durable", 2, (short) 1)));
            try (KafkaProducer<String, String> producer = producer(first, Map.of())) {
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>("durable", "k" + i, "before-" + i));
                }
                producer.flush();
            }
            first.close(); // closing twice, here and by try-with-resources, must be harmless
        }

        try (EmbeddedKafkaBroker second = EmbeddedKafkaBroker.start(dir, port)) {
            assertThat(second.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
            // Creating an existing topic is a no-op, so callers may always declare their topics at start-up.
            second.createTopics(List.of(new NewTopic("durable", 2, (short) 1)));

            assertThat(readAll(second, "durable", 10)).extracting(ConsumerRecord::value)
                    .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 10).mapToObj(i -> "before-" + i).toList());
        }
    }

    private static KafkaProducer<String, String> producer(Map<String, Object> extra) {
        return producer(broker, extra);
    }

    private static KafkaProducer<String, String> producer(EmbeddedKafkaBroker target, Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, target.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TIMEOUT.toMillis()));
        config.putAll(extra);
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    /** Reads {@code expected} records from the start of {@code topic} with a fresh group, and checks there are no more. */
    private static List<ConsumerRecord<String, String>> readAll(EmbeddedKafkaBroker target, String topic, int expected) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, target.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(TIMEOUT).pollInSameThread().pollDelay(Duration.ZERO).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= expected;
            });
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            consumer.commitSync(TIMEOUT);
        }
        assertThat(records).hasSize(expected);
        return records;
    }
}
