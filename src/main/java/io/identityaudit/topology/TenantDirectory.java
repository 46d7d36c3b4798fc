package io.identityaudit.topology;

import io.identityaudit.avro.TenantSsoConfig;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.streams.state.VersionedKeyValueStore;
import org.apache.kafka.streams.state.VersionedRecord;

/**
 * Answers "which SSO configuration did this tenant have when the event occurred?" from the global versioned store
 * that every instance keeps in full, so events are judged in place, never repartitioned, and a replay meets the
 * same configuration history as the first run.
 */
public final class TenantDirectory {

    private final VersionedKeyValueStore<String, TenantSsoConfig> store;

    public TenantDirectory(VersionedKeyValueStore<String, TenantSsoConfig> store) {
        this.store = store;
    }

    public Optional<TenantSsoConfig> asOf(String tenantId, Instant occurredAt) {
        VersionedRecord<TenantSsoConfig> version = store.get(tenantId, occurredAt.toEpochMilli());
        return version == null ? Optional.empty() : Optional.of(version.value());
    }
}
