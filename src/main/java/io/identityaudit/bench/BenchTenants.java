package io.identityaudit.bench;

import com.nimbusds.jose.jwk.RSAKey;
import io.identityaudit.avro.TenantSsoConfig;
import io.identityaudit.demo.SimulatedOktaOrg;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The benchmark's tenants: hundreds of them, spread round-robin over a few simulated Okta orgs (one HTTPS server
 * each, all trusted through one loopback certificate). Most are healthy; one in a hundred is switched off, one in a
 * hundred saved a domain with {@code https://} in front (the pipeline refuses it), and one in a hundred on top never
 * saved a configuration at all, so that the traffic can provoke SSO_DISABLED, TENANT_CONFIG_INVALID and
 * UNKNOWN_TENANT the way real tenants do.
 */
public final class BenchTenants {

    /** Fewest saved tenants: one of each kind that is saved. */
    public static final int MIN_TENANTS = 3;

    private static final String SAVED_BY = "bench@example.com";

    /** What a tenant's configuration makes of its events. */
    public enum Kind { HEALTHY, DISABLED, INVALID_DOMAIN, UNSAVED }

    /**
     * One tenant.
     *
     * @param org the org that signs its users' tokens and whose domain it saved (or meant to save)
     */
    public record BenchTenant(String tenantId, String clientId, SimulatedOktaOrg org, Kind kind, String origin) {

        /** The domain as saved: the org's, or for {@link Kind#INVALID_DOMAIN} the org's with a scheme in front. */
        public String savedDomain() {
            return kind == Kind.INVALID_DOMAIN ? "https://" + org.domain() : org.domain();
        }
    }

    private final List<SimulatedOktaOrg> orgs;
    private final Instant savedAt;
    private final List<BenchTenant> healthy = new ArrayList<>();
    private final List<BenchTenant> disabled = new ArrayList<>();
    private final List<BenchTenant> invalidDomain = new ArrayList<>();
    private final List<BenchTenant> unsaved = new ArrayList<>();
    private final Map<SimulatedOktaOrg, RSAKey> unpublishedKeys = new IdentityHashMap<>();

    /**
     * @param orgs    the orgs the tenants are spread over, round-robin
     * @param tenants how many tenants save a configuration; at least {@link #MIN_TENANTS}
     * @param savedAt when the configurations were saved: events must occur at or after it
     */
    public BenchTenants(List<SimulatedOktaOrg> orgs, int tenants, Instant savedAt) {
        if (orgs.isEmpty()) {
            throw new IllegalArgumentException("at least one org is needed");
        }
        if (tenants < MIN_TENANTS) {
            throw new IllegalArgumentException("at least " + MIN_TENANTS + " tenants are needed, got " + tenants);
        }
        this.orgs = List.copyOf(orgs);
        this.savedAt = savedAt.truncatedTo(ChronoUnit.MILLIS);
        int special = Math.max(1, tenants / 100);
        int index = 0;
        for (int i = 0; i < tenants - 2 * special; i++) {
            healthy.add(tenant(index++, Kind.HEALTHY));
        }
        for (int i = 0; i < special; i++) {
            disabled.add(tenant(index++, Kind.DISABLED));
            invalidDomain.add(tenant(index++, Kind.INVALID_DOMAIN));
            unsaved.add(tenant(index++, Kind.UNSAVED));
        }
        // A key each org made but never published (retired long ago, say): signs the UNKNOWN_SIGNING_KEY tokens,
        // and, named with the org's real key id, the forged INVALID_SIGNATURE ones.
        for (SimulatedOktaOrg org : this.orgs) {
            unpublishedKeys.put(org, org.newSigningKey());
        }
    }

    private BenchTenant tenant(int index, Kind kind) {
        String id = String.format(Locale.ROOT, "tenant-%05d", index);
        String clientId = String.format(Locale.ROOT, "0oa%017x", 0x5eed_0000_0000L + index * 7_919L);
        return new BenchTenant(id, clientId, orgs.get(index % orgs.size()), kind, "https://" + id + ".example");
    }

    public List<BenchTenant> healthy() {
        return List.copyOf(healthy);
    }

    public List<BenchTenant> ofKind(Kind kind) {
        return List.copyOf(switch (kind) {
            case HEALTHY -> healthy;
            case DISABLED -> disabled;
            case INVALID_DOMAIN -> invalidDomain;
            case UNSAVED -> unsaved;
        });
    }

    /** How many tenants saved a configuration. */
    public int savedCount() {
        return healthy.size() + disabled.size() + invalidDomain.size();
    }

    public List<SimulatedOktaOrg> orgs() {
        return orgs;
    }

    /** A key of {@code org}'s making that it never published. */
    public RSAKey unpublishedKey(SimulatedOktaOrg org) {
        return unpublishedKeys.get(org);
    }

    /** The configurations to save on the tenant configs topic (key: tenant id, timestamp: updatedAt). */
    public List<TenantSsoConfig> configs() {
        List<TenantSsoConfig> configs = new ArrayList<>();
        for (List<BenchTenant> kind : List.of(healthy, disabled, invalidDomain)) {
            for (BenchTenant tenant : kind) {
                configs.add(TenantSsoConfig.newBuilder()
                        .setTenantId(tenant.tenantId())
                        .setProvider("okta")
                        .setClientId(tenant.clientId())
                        .setDomain(tenant.savedDomain())
                        .setEnabled(tenant.kind() != Kind.DISABLED)
                        .setUpdatedAt(savedAt)
                        .setUpdatedBy(SAVED_BY)
                        .build());
            }
        }
        return configs;
    }

    /** The orgs' domains: exactly these go on the pipeline's custom-domain allowlist. */
    public Set<String> orgDomains() {
        Set<String> domains = new LinkedHashSet<>();
        orgs.forEach(org -> domains.add(org.domain()));
        return domains;
    }

    public Instant savedAt() {
        return savedAt;
    }
}
