package io.identityaudit.config;

import java.util.Objects;

/**
 * The names of the four topics users rely on. The defaults are the contract; operators may rename them.
 *
 * @param sessionEvents widget session events (Avro {@code WidgetSessionEvent}), any key
 * @param tenantConfigs tenant SSO configurations (Avro {@code TenantSsoConfig}), compacted, key = tenantId
 * @param verified      verified identities (Avro {@code VerifiedIdentity}), key = sessionId
 * @param rejected      rejections (Avro {@code IdentityRejection}), key = sessionId
 * @param retries       internal: events waiting to be judged again after a JWKS fetch failure (Avro
 *                      {@code JwksRetry}, holding the original event)
 */
public record Topics(String sessionEvents, String tenantConfigs, String verified, String rejected, String retries) {

    public static final String DEFAULT_RETRIES = "identity.retry";

    public static final Topics DEFAULTS = new Topics(
            "widget.session-events", "tenant.sso-configs", "identity.verified", "identity.rejected", DEFAULT_RETRIES);

    public Topics {
        Objects.requireNonNull(sessionEvents, "sessionEvents");
        Objects.requireNonNull(tenantConfigs, "tenantConfigs");
        Objects.requireNonNull(verified, "verified");
        Objects.requireNonNull(rejected, "rejected");
        Objects.requireNonNull(retries, "retries");
    }

    /** The four topics users name, with the retry topic's default name. */
    public Topics(String sessionEvents, String tenantConfigs, String verified, String rejected) {
        this(sessionEvents, tenantConfigs, verified, rejected, DEFAULT_RETRIES);
    }
}
