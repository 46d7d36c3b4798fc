package io.identityaudit.topology;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the changes the global thread makes to the tenant configuration store, so that each task's
 * {@link TenantDirectory} knows when what it remembers may be out of date. One per topology.
 */
public final class TenantConfigChanges {

    private final AtomicLong count = new AtomicLong();

    /** Called after the store was changed. */
    void changed() {
        count.incrementAndGet();
    }

    /** Read before the store is, so that a change made in between makes the answer count as out of date. */
    long count() {
        return count.get();
    }
}
