package io.identityaudit.testing;

import io.identityaudit.avro.TenantSsoConfig;
import io.identityaudit.avro.WidgetSessionEvent;
import java.time.Instant;
import java.util.UUID;

/** Test data builders for the Avro contracts. */
public final class Events {

    private Events() {
    }

    public static WidgetSessionEvent.Builder event(String tenantId, String token, Instant occurredAt) {
        return WidgetSessionEvent.newBuilder()
                .setEventId("evt-" + UUID.randomUUID())
                .setTenantId(tenantId)
                .setSessionId("sess-" + UUID.randomUUID())
                .setEventType("SESSION_STARTED")
                .setOccurredAt(occurredAt)
                .setIdToken(token)
                .setClientIp("127.0.0.1")
                .setUserAgent("Mozilla/5.0 (X11; Linux x86_64)")
                .setOrigin("https://shop.example.com");
    }

    public static TenantSsoConfig.Builder tenant(String tenantId, String clientId, String domain, Instant updatedAt) {
        return TenantSsoConfig.newBuilder()
                .setTenantId(tenantId)
                .setProvider("okta")
                .setClientId(clientId)
                .setDomain(domain)
                .setEnabled(true)
                .setUpdatedAt(updatedAt)
                .setUpdatedBy("admin@example.com");
    }
}
