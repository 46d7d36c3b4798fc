package io.identityaudit.config;

import io.identityaudit.avro.TenantSsoConfig;
import io.identityaudit.token.SafeText;

/**
 * The outcome of checking a saved tenant configuration: the pipeline, the {@code tenants} command and
 * {@code test-connection} all apply this one check, so a config the command accepts is one the pipeline uses.
 */
public sealed interface TenantConfigCheck {

    String SUPPORTED_PROVIDER = "okta";
    int MAX_CLIENT_ID_LENGTH = 128;

    record Usable(TenantPolicy policy) implements TenantConfigCheck {
    }

    record Unusable(String tenantId, String reason) implements TenantConfigCheck {
    }

    static TenantConfigCheck of(TenantSsoConfig config, DomainPolicy domainPolicy) {
        String tenantId = config.getTenantId();
        if (!SUPPORTED_PROVIDER.equalsIgnoreCase(config.getProvider())) {
            return new Unusable(tenantId, "provider is " + SafeText.quote(config.getProvider())
                    + "; only okta is supported");
        }
        String clientId = config.getClientId();
        if (clientId == null || clientId.isBlank()) {
            return new Unusable(tenantId, "the client ID is empty");
        }
        if (clientId.length() > MAX_CLIENT_ID_LENGTH || !clientId.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            return new Unusable(tenantId, "the client ID is not an Okta client ID (printable ASCII without spaces, "
                    + "at most " + MAX_CLIENT_ID_LENGTH + " characters)");
        }
        return domainPolicy.violation(config.getDomain())
                .<TenantConfigCheck>map(reason -> new Unusable(tenantId, reason))
                .orElseGet(() -> new Usable(
                        new TenantPolicy(tenantId, clientId, config.getDomain(), config.getEnabled())));
    }
}
