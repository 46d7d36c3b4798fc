package io.identityaudit.topology;

import io.identityaudit.avro.TenantSsoConfig;

/** Hears what the tenant configuration loader did; metrics and the config audit subscribe here. */
public interface TenantConfigListener {

    TenantConfigListener NONE = new TenantConfigListener() {
    };

    default void onSaved(TenantSsoConfig config) {
    }

    default void onRemoved(String tenantId) {
    }

    /** A record that could not be read; {@code tenantId} is its key, or null when it had none. */
    default void onMalformed(String tenantId) {
    }
}
