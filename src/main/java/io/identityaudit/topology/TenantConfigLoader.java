package io.identityaudit.topology;

import io.identityaudit.avro.TenantSsoConfig;
import io.identityaudit.serde.Contracts;
import io.identityaudit.serde.MalformedRecordException;
import io.identityaudit.token.SafeText;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.VersionedKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the global tenant configuration store: each saved config becomes a version valid from its
 * {@code updatedAt}, and a tombstone ends the tenant from its record timestamp. A record that cannot be read is
 * logged and skipped: one tenant's broken config must never stop the others. Configs that decode but are unusable
 * (a domain with https://, a foreign provider) are kept, so that the tenant's events say TENANT_CONFIG_INVALID
 * instead of UNKNOWN_TENANT.
 */
final class TenantConfigLoader implements Processor<String, byte[], Void, Void> {

    private static final Logger log = LoggerFactory.getLogger(TenantConfigLoader.class);

    private final String storeName;
    private final TenantConfigListener listener;
    private final TenantConfigChanges changes;
    private ProcessorContext<Void, Void> context;
    private VersionedKeyValueStore<String, TenantSsoConfig> store;

    TenantConfigLoader(String storeName, TenantConfigListener listener, TenantConfigChanges changes) {
        this.storeName = storeName;
        this.listener = listener;
        this.changes = changes;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String tenantId = record.key();
        if (tenantId == null) {
            skip(null, "it has no key (the key must be the tenant id)");
            return;
        }
        if (record.value() == null) {
            store.delete(tenantId, record.timestamp());
            changes.changed();
            listener.onRemoved(tenantId);
            log.info("Tenant {} removed as of {}", SafeText.quote(tenantId), record.timestamp());
            return;
        }
        TenantSsoConfig config;
        try {
            config = Contracts.TENANT_CONFIG.decode(record.value());
        } catch (MalformedRecordException e) {
            skip(tenantId, e.getMessage());
            return;
        }
        if (!tenantId.equals(config.getTenantId())) {
            skip(tenantId, "its tenantId " + SafeText.quote(config.getTenantId()) + " differs from its key");
            return;
        }
        store.put(tenantId, config, config.getUpdatedAt().toEpochMilli());
        changes.changed();
        listener.onSaved(config);
        log.info("Tenant {} configured as of {}: provider {}, domain {}, enabled {}", SafeText.quote(tenantId),
                config.getUpdatedAt(), SafeText.quote(config.getProvider()), SafeText.quote(config.getDomain()),
                config.getEnabled());
    }

    private void skip(String tenantId, String why) {
        String position = context.recordMetadata().map(TenantConfigLoader::describe).orElse("unknown position");
        listener.onMalformed(tenantId);
        log.warn("Tenant config record at {} for tenant {} ignored: {}", position, SafeText.quote(tenantId), why);
    }

    private static String describe(RecordMetadata metadata) {
        return metadata.topic() + "-" + metadata.partition() + "@" + metadata.offset();
    }
}
