package io.identityaudit.testing;

import io.identityaudit.avro.TenantSsoConfig;
import io.identityaudit.avro.VerifiedIdentity;
import io.identityaudit.avro.WidgetSessionEvent;
import java.time.Instant;
import java.util.List;
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

    /** A verified identity of acme's user as the topology writes it, every field set, for an event at {@code at}. */
    public static VerifiedIdentity.Builder verifiedIdentity(Instant at) {
        return VerifiedIdentity.newBuilder()
                .setEventId("evt-1")
                .setTenantId("acme")
                .setSessionId("sess-1")
                .setEventType("SESSION_STARTED")
                .setSubject("00u1a2b3c4d5e6f7g8h9")
                .setIssuer("https://acme.okta.com")
                .setAudience(List.of("0oa1b2c3d4e5f6g7h8i9", "other"))
                .setAuthorizedParty("0oa1b2c3d4e5f6g7h8i9")
                .setEmail("ada@example.com")
                .setEmailVerified(true)
                .setName("Ada Lovelace")
                .setPreferredUsername("ada@example.com")
                .setIssuedAt(at.minusSeconds(60))
                .setExpiresAt(at.plusSeconds(3540))
                .setAuthTime(at.minusSeconds(65))
                .setJti("ID.abc")
                .setSigningKeyId("kid-1")
                .setAlgorithm("RS256")
                .setTokenFingerprint("a".repeat(64))
                .setReferenceTime(at)
                .setClientIp("203.0.113.7")
                .setUserAgent("Mozilla/5.0")
                .setOrigin("https://shop.example.com")
                .setInputTopic("widget.session-events")
                .setInputPartition(3)
                .setInputOffset(42L);
    }
}
