package io.identityaudit.config;

import java.util.Objects;

/**
 * The names of the topics users rely on. The defaults are the contract; operators may rename them.
 *
 * @param sessionEvents widget session events (Avro {@code WidgetSessionEvent}), any key
 * @param tenantConfigs tenant SSO configurations (Avro {@code TenantSsoConfig}), compacted, key = tenantId
 * @param verified      verified identities (Avro {@code VerifiedIdentity}), key = sessionId
 * @param rejected      rejections (Avro {@code IdentityRejection}), key = sessionId
 * @param retries       internal: events waiting to be judged again after a JWKS fetch failure (Avro
 *                      {@code JwksRetry}, holding the original event)
 * @param anomalies     security anomalies (Avro {@code SecurityAnomaly}), key = anomalyId
 * @param configChanges the audit trail of tenant SSO config changes (Avro {@code TenantConfigChange}),
 *                      key = tenantId
 */
public record Topics(String sessionEvents, String tenantConfigs, String verified, String rejected, String retries,
                     String anomalies, String configChanges) {

    public static final String DEFAULT_RETRIES = "identity.retry";
    public static final String DEFAULT_ANOMALIES = "identity.anomalies";
    public static final String DEFAULT_CONFIG_CHANGES = "identity.config-changes";

    public static final Topics DEFAULTS = new Topics(
            "widget.session-events", "tenant.sso-configs", "identity.verified", "identity.rejected", DEFAULT_RETRIES,
            DEFAULT_ANOMALIES, DEFAULT_CONFIG_CHANGES);

    public Topics {
        Objects.requireNonNull(sessionEvents, "sessionEvents");
        Objects.requireNonNull(tenantConfigs, "tenantConfigs");
        Objects.requireNonNull(verified, "verified");
        Objects.requireNonNull(rejected, "rejected");
        Objects.requireNonNull(retries, "retries");
        Objects.requireNonNull(anomalies, "anomalies");
        Objects.requireNonNull(configChanges, "configChanges");
    }

    /** The five topics of the verdict pipeline, with the anomaly and config-change topics' default names. */
    public Topics(String sessionEvents, String tenantConfigs, String verified, String rejected, String retries) {
        this(sessionEvents, tenantConfigs, verified, rejected, retries, DEFAULT_ANOMALIES, DEFAULT_CONFIG_CHANGES);
    }

    /** The four topics users name, with the other topics' default names. */
    public Topics(String sessionEvents, String tenantConfigs, String verified, String rejected) {
        this(sessionEvents, tenantConfigs, verified, rejected, DEFAULT_RETRIES);
    }
}
