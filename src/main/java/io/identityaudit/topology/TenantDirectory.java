package io.identityaudit.topology;

import io.identityaudit.avro.TenantSsoConfig;
import io.identityaudit.config.DomainPolicy;
import io.identityaudit.config.TenantConfigCheck;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.state.VersionedKeyValueStore;
import org.apache.kafka.streams.state.VersionedRecord;

/**
 * Answers "which SSO configuration did this tenant have when the event occurred, and is it usable?" from the
 * global versioned store that every instance keeps in full, so events are judged in place, never repartitioned,
 * and a replay meets the same configuration history as the first run.
 *
 * <p>One per task, used by its stream thread only. It remembers the last version read for each tenant with the
 * time range it was valid for, and answers from it for any event inside that range until the store changes:
 * reading the store means a RocksDB lookup and an Avro decode, and consecutive events mostly name the same few
 * tenants.
 */
public final class TenantDirectory {

    /** More remembered tenants than this and the memory starts over. */
    private static final int MAX_REMEMBERED = 100_000;

    /** A tenant's configuration at some time, and the check of it under this directory's domain policy. */
    public record Version(TenantSsoConfig config, TenantConfigCheck check) {
    }

    private record Remembered(long changes, long validFrom, long validTo, Version version) {

        boolean answers(long changesNow, long at) {
            return changes == changesNow && at >= validFrom && at < validTo;
        }
    }

    private final VersionedKeyValueStore<String, TenantSsoConfig> store;
    private final TenantConfigChanges changes;
    private final DomainPolicy domainPolicy;
    private final Map<String, Remembered> remembered = new HashMap<>();

    public TenantDirectory(VersionedKeyValueStore<String, TenantSsoConfig> store, TenantConfigChanges changes,
                           DomainPolicy domainPolicy) {
        this.store = store;
        this.changes = changes;
        this.domainPolicy = domainPolicy;
    }

    public Optional<Version> asOf(String tenantId, Instant occurredAt) {
        long at = occurredAt.toEpochMilli();
        long changesNow = changes.count();
        Remembered last = tenantId == null ? null : remembered.get(tenantId);
        if (last != null && last.answers(changesNow, at)) {
            return Optional.of(last.version());
        }
        VersionedRecord<TenantSsoConfig> record = tenantId == null ? null : store.get(tenantId, at);
        if (record == null) {
            // Not remembered: any event may name any tenant id, and only configured tenants take memory.
            return Optional.empty();
        }
        Version version = new Version(record.value(), TenantConfigCheck.of(record.value(), domainPolicy));
        if (remembered.size() >= MAX_REMEMBERED) {
            remembered.clear();
        }
        remembered.put(tenantId, new Remembered(changesNow, record.timestamp(),
                record.validTo().orElse(Long.MAX_VALUE), version));
        return Optional.of(version);
    }
}
