package io.identityaudit.anomaly;

import io.identityaudit.avro.AnomalyKind;
import io.identityaudit.avro.AnomalySeverity;
import io.identityaudit.avro.ConfigChangeType;
import io.identityaudit.avro.SecurityAnomaly;
import io.identityaudit.avro.SsoSettings;
import io.identityaudit.avro.TenantConfigChange;
import io.identityaudit.avro.TenantSsoConfig;
import io.identityaudit.config.DomainPolicy;
import io.identityaudit.config.TenantConfigCheck;
import io.identityaudit.serde.Contracts;
import io.identityaudit.serde.MalformedRecordException;
import io.identityaudit.token.SafeText;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Compares each record on the tenant config topic with the tenant's previous config (kept in a changelogged
 * store) and writes what changed as a {@link TenantConfigChange}: created, client ID or domain or provider
 * changed, disabled, enabled, deleted, invalid. A change of domain or client ID is also a LOW
 * {@code TENANT_CONFIG_CHANGE} anomaly, since it redirects where the tenant's tokens come from. A record delivered
 * again (the same bytes and timestamp as one of the tenant's last {@value AuditedTenant#REMEMBERED_RECORDS}) writes
 * nothing.
 */
final class ConfigChangeAuditor implements Processor<String, byte[], String, byte[]> {

    private final String storeName;
    private final DomainPolicy domainPolicy;
    private final AnomalyListener listener;
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, byte[]> lastConfigs;

    ConfigChangeAuditor(String storeName, DomainPolicy domainPolicy, AnomalyListener listener) {
        this.storeName = storeName;
        this.domainPolicy = domainPolicy;
        this.listener = listener;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.lastConfigs = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String tenantId = record.key();
        if (tenantId == null) {
            return;
        }
        AuditedTenant tenant = AuditedTenant.fromBytes(lastConfigs.get(tenantId));
        long recordHash = Anomalies.eventHash(record.timestamp() + "|" + (record.value() == null ? "tombstone"
                : java.util.HexFormat.of().formatHex(record.value())));
        if (tenant.alreadyAudited(recordHash)) {
            return;
        }
        tenant.audited(recordHash);
        audit(tenantId, tenant, record);
        lastConfigs.put(tenantId, tenant.toBytes());
    }

    private void audit(String tenantId, AuditedTenant tenant, Record<String, byte[]> record) {
        TenantSsoConfig before = tenant.config;
        Instant recordTime = Instant.ofEpochMilli(record.timestamp());
        if (record.value() == null) {
            if (before != null) {
                tenant.config = null;
                emit(change(tenantId, List.of(ConfigChangeType.DELETED), before, null, recordTime, null, null));
            }
            return;
        }
        TenantSsoConfig after;
        try {
            after = Contracts.TENANT_CONFIG.decode(record.value());
        } catch (MalformedRecordException e) {
            emit(change(tenantId, List.of(ConfigChangeType.INVALID), before, null, recordTime, null,
                    "the record could not be read: " + e.getMessage()));
            return;
        }
        if (!tenantId.equals(after.getTenantId())) {
            emit(change(tenantId, List.of(ConfigChangeType.INVALID), before, null, recordTime, null,
                    "its tenantId " + SafeText.quote(after.getTenantId()) + " differs from its key; it is ignored"));
            return;
        }
        tenant.config = after;
        List<ConfigChangeType> changes = changes(before, after);
        String invalidReason = null;
        if (TenantConfigCheck.of(after, domainPolicy) instanceof TenantConfigCheck.Unusable unusable) {
            changes.add(ConfigChangeType.INVALID);
            invalidReason = unusable.reason();
        }
        if (changes.isEmpty()) {
            changes.add(ConfigChangeType.UNCHANGED);
        }
        TenantConfigChange change = change(tenantId, changes, before, after, after.getUpdatedAt(),
                after.getUpdatedBy(), invalidReason);
        emit(change);
        if (changes.contains(ConfigChangeType.DOMAIN_CHANGED) || changes.contains(ConfigChangeType.CLIENT_ID_CHANGED)) {
            emitAnomaly(change);
        }
    }

    private static List<ConfigChangeType> changes(TenantSsoConfig before, TenantSsoConfig after) {
        List<ConfigChangeType> changes = new ArrayList<>();
        if (before == null) {
            changes.add(ConfigChangeType.CREATED);
            if (!after.getEnabled()) {
                changes.add(ConfigChangeType.DISABLED);
            }
            return changes;
        }
        if (!Objects.equals(before.getClientId(), after.getClientId())) {
            changes.add(ConfigChangeType.CLIENT_ID_CHANGED);
        }
        if (!Objects.equals(before.getDomain(), after.getDomain())) {
            changes.add(ConfigChangeType.DOMAIN_CHANGED);
        }
        if (!Objects.equals(before.getProvider(), after.getProvider())) {
            changes.add(ConfigChangeType.PROVIDER_CHANGED);
        }
        if (before.getEnabled() && !after.getEnabled()) {
            changes.add(ConfigChangeType.DISABLED);
        }
        if (!before.getEnabled() && after.getEnabled()) {
            changes.add(ConfigChangeType.ENABLED);
        }
        return changes;
    }

    private TenantConfigChange change(String tenantId, List<ConfigChangeType> changes, TenantSsoConfig before,
                                      TenantSsoConfig after, Instant changedAt, String changedBy,
                                      String invalidReason) {
        RecordMetadata input = context.recordMetadata().orElseThrow();
        return TenantConfigChange.newBuilder()
                .setTenantId(tenantId)
                .setChanges(changes)
                .setBefore(settings(before))
                .setAfter(settings(after))
                .setChangedAt(changedAt)
                .setChangedBy(changedBy)
                .setInvalidReason(invalidReason)
                .setInputTopic(input.topic())
                .setInputPartition(input.partition())
                .setInputOffset(input.offset())
                .build();
    }

    private static SsoSettings settings(TenantSsoConfig config) {
        if (config == null) {
            return null;
        }
        return SsoSettings.newBuilder()
                .setProvider(config.getProvider())
                .setClientId(config.getClientId())
                .setDomain(config.getDomain())
                .setEnabled(config.getEnabled())
                .setUpdatedAt(config.getUpdatedAt())
                .setUpdatedBy(config.getUpdatedBy())
                .build();
    }

    private void emit(TenantConfigChange change) {
        context.forward(new Record<>(change.getTenantId(), Contracts.CONFIG_CHANGE.encode(change),
                change.getChangedAt().toEpochMilli(), new RecordHeaders()), ConfigAuditTopology.CHANGE_SINK);
    }

    private void emitAnomaly(TenantConfigChange change) {
        List<String> what = new ArrayList<>();
        if (change.getChanges().contains(ConfigChangeType.DOMAIN_CHANGED)) {
            what.add("domain " + SafeText.quote(change.getBefore().getDomain()) + " -> "
                    + SafeText.quote(change.getAfter().getDomain()));
        }
        if (change.getChanges().contains(ConfigChangeType.CLIENT_ID_CHANGED)) {
            what.add("client ID " + SafeText.quote(change.getBefore().getClientId()) + " -> "
                    + SafeText.quote(change.getAfter().getClientId()));
        }
        String stage = change.getChanges().toString();
        Finding finding = new Finding(AnomalyKind.TENANT_CONFIG_CHANGE, stage, change.getTenantId(),
                AnomalySeverity.LOW, 1, null, 1, "the tenant's SSO configuration changed: " + String.join(", ", what)
                + ", by " + SafeText.quote(change.getChangedBy()));
        SecurityAnomaly anomaly = Anomalies.build(finding, "tenant:" + change.getTenantId(), change.getChangedAt(),
                change.getChangedAt(), List.of(), change.getChangedAt());
        listener.onAnomaly(anomaly);
        context.forward(new Record<>(anomaly.getAnomalyId(), Contracts.ANOMALY.encode(anomaly),
                anomaly.getDetectedAt().toEpochMilli(), new RecordHeaders()), ConfigAuditTopology.ANOMALY_SINK);
    }
}
