package io.identityaudit.pipeline;

import io.identityaudit.config.Topics;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The topics the pipeline creates when they are missing. Events and outputs share one partition count so that a
 * session's verdicts land in the partition its events came from; tenant configs are one compacted partition, read
 * in full by every instance.
 *
 * @param replicationFactor empty: the broker's {@code default.replication.factor}
 */
public record TopicLayout(Topics topics, int partitions, Optional<Short> replicationFactor) {

    public TopicLayout {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1");
        }
    }

    public List<NewTopic> newTopics() {
        Optional<Integer> partitionCount = Optional.of(partitions);
        return List.of(
                new NewTopic(topics.sessionEvents(), partitionCount, replicationFactor),
                new NewTopic(topics.tenantConfigs(), Optional.of(1), replicationFactor)
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)),
                new NewTopic(topics.verified(), partitionCount, replicationFactor),
                new NewTopic(topics.rejected(), partitionCount, replicationFactor),
                new NewTopic(topics.retries(), partitionCount, replicationFactor),
                new NewTopic(topics.anomalies(), partitionCount, replicationFactor),
                // One partition, like the tenant configs it audits: the audit trail of a tenant stays in order.
                new NewTopic(topics.configChanges(), Optional.of(1), replicationFactor));
    }
}
