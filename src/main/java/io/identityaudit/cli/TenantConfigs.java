package io.identityaudit.cli;

import io.identityaudit.avro.TenantSsoConfig;
import java.time.Instant;

/** Builds the {@link TenantSsoConfig} a command describes, so every command checks the record the pipeline reads. */
final class TenantConfigs {

    private TenantConfigs() {
    }

    static TenantSsoConfig config(String tenantId, String provider, String clientId, String domain, boolean enabled,
                                  Instant updatedAt, String updatedBy) {
        return TenantSsoConfig.newBuilder()
                .setTenantId(tenantId)
                .setProvider(provider)
                .setClientId(clientId == null ? "" : clientId)
                .setDomain(domain == null ? "" : domain)
                .setEnabled(enabled)
                .setUpdatedAt(updatedAt)
                .setUpdatedBy(updatedBy)
                .build();
    }
}
