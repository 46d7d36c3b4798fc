package io.identityaudit.demo;

import io.identityaudit.avro.TenantSsoConfig;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * The demo's tenants, one per situation a newcomer should see: two healthy tenants on the simulated org (two apps,
 * two client IDs), a third one that only the injected attack targets, one whose org's key endpoint fails, one with SSO switched off, one saved with a domain the
 * dashboard would refuse, and one that never saved a configuration at all.
 */
public final class DemoTenants {

    public static final String ACME = "acme";
    public static final String GLOBEX = "globex";
    public static final String INITECH = "initech";
    public static final String UMBRELLA = "umbrella";
    public static final String HOOLI = "hooli";
    /** Healthy, and only the target of {@code demo --inject-attack}: without it, it gets no events. */
    public static final String STARK = "stark";
    /** Sends events but never saved an SSO configuration. */
    public static final String WAYNE = "wayne";

    /** Saved the way a newcomer often types it, scheme included; the pipeline refuses it. */
    public static final String HOOLI_DOMAIN = "https://hooli.okta.com";

    private static final String SAVED_BY = "admin@example.com";

    /**
     * One demo tenant.
     *
     * @param issuingOrg the org that signs its users' tokens
     * @param saved      whether its configuration is saved (false: its events find no tenant)
     */
    public record DemoTenant(String tenantId, String clientId, String domain, boolean enabled, boolean saved,
                             SimulatedOktaOrg issuingOrg, String origin, String situation) {
    }

    private final SimulatedOktaOrg org;
    private final SimulatedOktaOrg downOrg;
    private final Instant savedAt;
    private final Map<String, DemoTenant> tenants = new LinkedHashMap<>();

    /**
     * @param org     a healthy simulated org
     * @param downOrg a simulated org whose endpoints answer an error status
     * @param savedAt when the configurations were saved; events must occur at or after it to be judged by them
     */
    public DemoTenants(SimulatedOktaOrg org, SimulatedOktaOrg downOrg, Instant savedAt) {
        this.org = Objects.requireNonNull(org, "org");
        this.downOrg = Objects.requireNonNull(downOrg, "downOrg");
        this.savedAt = savedAt.truncatedTo(ChronoUnit.MILLIS);
        add(new DemoTenant(ACME, "0oa1b2c3d4e5f6g7h8i9", org.domain(), true, true, org,
                "https://www.acme.example", "healthy org"));
        add(new DemoTenant(GLOBEX, "0oa9globex7k2m4n6p8q", org.domain(), true, true, org,
                "https://support.globex.example", "healthy org, another app (client ID)"));
        add(new DemoTenant(STARK, "0oa4stark2j6k8l1m3n5", org.domain(), true, true, org,
                "https://help.stark.example", "healthy org; the target of --inject-attack"));
        add(new DemoTenant(INITECH, "0oa5initech3r8s2t6u1", downOrg.domain(), true, true, downOrg,
                "https://help.initech.example", "org whose key endpoint answers 503"));
        add(new DemoTenant(UMBRELLA, "0oa7umbrella4v9w3x5", org.domain(), false, true, org,
                "https://portal.umbrella.example", "SSO switched off"));
        add(new DemoTenant(HOOLI, "0oa2hooli8y1z7a4b6c", HOOLI_DOMAIN, true, true, org,
                "https://chat.hooli.example", "domain saved with https:// (invalid)"));
        add(new DemoTenant(WAYNE, "0oa3wayne6d2e9f5g1h", org.domain(), true, false, org,
                "https://www.wayne.example", "never saved a configuration"));
    }

    private void add(DemoTenant tenant) {
        tenants.put(tenant.tenantId(), tenant);
    }

    public DemoTenant get(String tenantId) {
        DemoTenant tenant = tenants.get(tenantId);
        if (tenant == null) {
            throw new NoSuchElementException("no demo tenant " + tenantId);
        }
        return tenant;
    }

    /** Every demo tenant, the unsaved one included, in a fixed order. */
    public List<DemoTenant> all() {
        return List.copyOf(tenants.values());
    }

    /** The configurations to save on the tenant configs topic (key: tenant id, timestamp: updatedAt). */
    public List<TenantSsoConfig> configs() {
        return tenants.values().stream()
                .filter(DemoTenant::saved)
                .map(t -> TenantSsoConfig.newBuilder()
                        .setTenantId(t.tenantId())
                        .setProvider("okta")
                        .setClientId(t.clientId())
                        .setDomain(t.domain())
                        .setEnabled(t.enabled())
                        .setUpdatedAt(savedAt)
                        .setUpdatedBy(SAVED_BY)
                        .build())
                .toList();
    }

    /** The simulated orgs' domains: the demo puts exactly these on the custom-domain allowlist. */
    public Set<String> orgDomains() {
        return Set.of(org.domain(), downOrg.domain());
    }

    public SimulatedOktaOrg org() {
        return org;
    }

    public SimulatedOktaOrg downOrg() {
        return downOrg;
    }

    public Instant savedAt() {
        return savedAt;
    }
}
