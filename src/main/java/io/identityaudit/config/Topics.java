package io.identityaudit.config;

import java.util.Objects;

/**
 * The names of the four topics users rely on. The defaults are the contract; operators may rename them.
 *
 * @param sessionEvents widget session events (Avro {@code WidgetSessionEvent}), any key
 * @param tenantConfigs tenant SSO configurations (Avro {@code TenantSsoConfig}), compacted, key = tenantId
 * @param verified      verified identities (Avro {@code VerifiedIdentity}), key = sessionId
 * @param rejected      rejections (Avro {@code IdentityRejection}), key = sessionId
 */
public record Topics(String sessionEvents, String tenantConfigs, String verified, String rejected) {

    public static final Topics DEFAULTS = new Topics(
            "widget.session-events", "tenant.sso-configs", "identity.verified", "identity.rejected");

    public Topics {
        Objects.requireNonNull(sessionEvents, "sessionEvents");
        Objects.requireNonNull(tenantConfigs, "tenantConfigs");
        Objects.requireNonNull(verified, "verified");
        Objects.requireNonNull(rejected, "rejected");
    }
}
