package io.identityaudit.pipeline;

import io.identityaudit.avro.TenantSsoConfig;
import io.identityaudit.config.DomainPolicy;
import io.identityaudit.config.TenantConfigCheck;
import io.identityaudit.jwks.OrgJwksRegistry;
import io.identityaudit.topology.TenantConfigListener;

/**
 * Starts reading a tenant's key set as soon as a usable, enabled config for it is loaded, then tells the next
 * listener. The configs are loaded before the stream threads judge their first event, so the key sets are
 * usually there by then, and an org that hangs holds up a fetch thread instead of the tenants' events.
 */
record KeySetsFetchedAhead(OrgJwksRegistry jwks, DomainPolicy domainPolicy, TenantConfigListener next)
        implements TenantConfigListener {

    @Override
    public void onSaved(TenantSsoConfig config) {
        if (TenantConfigCheck.of(config, domainPolicy) instanceof TenantConfigCheck.Usable usable
                && usable.policy().enabled()) {
            jwks.fetchAhead(usable.policy());
        }
        next.onSaved(config);
    }

    @Override
    public void onRemoved(String tenantId) {
        next.onRemoved(tenantId);
    }

    @Override
    public void onMalformed(String tenantId) {
        next.onMalformed(tenantId);
    }
}
