package io.identityaudit.pipeline;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;

/** Creates a test's topics on the shared broker before anything produces to them. */
final class TestTopics {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private TestTopics() {
    }

    /**
     * {@link TopicProvisioner#ensure}, retried: right after creating a topic, describing it can still fail with
     * UNKNOWN_TOPIC_OR_PARTITION until the broker has the new metadata, and {@code ensure} gives up on that at
     * once. Creating is idempotent, so a retry only waits.
     */
    static void create(String bootstrapServers, Collection<NewTopic> topics) {
        await("topics " + topics.stream().map(NewTopic::name).toList()).atMost(TIMEOUT)
                .pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200))
                .ignoreExceptionsInstanceOf(IllegalStateException.class)
                .until(() -> {
                    TopicProvisioner.ensure(TopicProvisioner.adminProperties(bootstrapServers, Map.of()), topics,
                            TIMEOUT);
                    return true;
                });
    }
}
