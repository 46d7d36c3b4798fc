package io.identityaudit.cli;

import io.identityaudit.avro.TenantSsoConfig;
import java.util.List;

/**
 * One tenant as the pipeline would see it after reading the whole config topic: its latest readable config, and
 * the records it ignored since (the pipeline logs and skips an unreadable record, keeping the config before it).
 *
 * @param config  the config in effect, or null when no readable config was saved since the last delete
 * @param ignored what was wrong with each record ignored after it, with the record's position
 */
record TenantEntry(String tenantId, TenantSsoConfig config, List<String> ignored) {

    TenantEntry {
        ignored = List.copyOf(ignored);
    }

    boolean configured() {
        return config != null;
    }
}
