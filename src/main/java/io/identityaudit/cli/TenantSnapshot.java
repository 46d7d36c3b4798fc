package io.identityaudit.cli;

import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The tenant config topic read from its beginning to its end.
 *
 * @param topicExists     false when the topic has not been created yet (then there are no tenants)
 * @param tenants         by tenant id, in order; deleted tenants are absent
 * @param unkeyed         positions of records without a key, which the pipeline ignores
 * @param recordsRead     how many records were read, tombstones included
 */
record TenantSnapshot(String topic, boolean topicExists, SortedMap<String, TenantEntry> tenants,
                      List<String> unkeyed, long recordsRead) {

    TenantSnapshot {
        tenants = new TreeMap<>(tenants);
        unkeyed = List.copyOf(unkeyed);
    }

    static TenantSnapshot missing(String topic) {
        return new TenantSnapshot(topic, false, new TreeMap<>(), List.of(), 0);
    }

    Optional<TenantEntry> tenant(String tenantId) {
        return Optional.ofNullable(tenants.get(tenantId));
    }
}
