package io.identityaudit.pipeline;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates missing topics and waits until every partition has a leader: producing to a partition that has none
 * yet sends the idempotent producer into a retry loop it does not leave.
 */
public final class TopicProvisioner {

    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

    private TopicProvisioner() {
    }

    public static void ensure(Properties adminProperties, Collection<NewTopic> topics, Duration timeout) {
        try (Admin admin = Admin.create(adminProperties)) {
            ensure(admin, topics, timeout);
        }
    }

    public static void ensure(Admin admin, Collection<NewTopic> topics, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t.name())).toList();
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    missing.forEach(t -> log.info("Created topic {}", t.name()));
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            List<String> names = topics.stream().map(NewTopic::name).toList();
            while (!allPartitionsLed(admin, names, timeout)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topics " + names + " have partitions without a leader after "
                            + timeout);
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create or describe topics: " + e.getMessage(), e);
        }
    }

    private static boolean allPartitionsLed(Admin admin, List<String> names, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<String, TopicDescription> descriptions;
        try {
            descriptions = admin.describeTopics(names).allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            // A topic created a moment ago may not have reached the broker's metadata yet: not led yet.
            if (e.getCause() instanceof RetriableException) {
                return false;
            }
            throw e;
        }
        return descriptions.values().stream()
                .flatMap(d -> d.partitions().stream())
                .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
    }

    public static Properties adminProperties(String bootstrapServers, Map<String, String> overrides) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        overrides.forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key)) {
                props.put(key, value);
            }
        });
        return props;
    }
}
