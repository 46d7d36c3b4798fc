package io.identityaudit.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps the {@code tenant} label bounded. Only tenants that have a saved configuration get their own value (an
 * event can name any tenant id, and an attacker must not be able to mint label values); past {@code limit}
 * distinct tenants the rest share {@value #OTHER}. A limit of 0 turns the per-tenant label off ({@value #ALL}).
 */
public final class TenantLabels {

    public static final String UNKNOWN = "unknown";
    public static final String OTHER = "other";
    public static final String ALL = "all";
    public static final int DEFAULT_LIMIT = 500;

    private final int limit;
    private final Set<String> labelled = ConcurrentHashMap.newKeySet();

    public TenantLabels(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("the tenant label limit must not be negative");
        }
        this.limit = limit;
    }

    /** The label of a tenant that has a configuration. */
    public String of(String tenantId) {
        if (limit == 0) {
            return ALL;
        }
        if (tenantId == null) {
            return UNKNOWN;
        }
        if (labelled.contains(tenantId)) {
            return tenantId;
        }
        synchronized (labelled) {
            if (labelled.size() < limit) {
                labelled.add(tenantId);
                return tenantId;
            }
        }
        return labelled.contains(tenantId) ? tenantId : OTHER;
    }

    /** The label of an event whose tenant has no configuration, or could not be read. */
    public String unknown() {
        return limit == 0 ? ALL : UNKNOWN;
    }
}
