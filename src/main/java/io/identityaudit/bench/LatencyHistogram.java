package io.identityaudit.bench;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Latencies in whole milliseconds (record timestamps have no finer grain), exact up to two minutes, everything
 * longer counted in one overflow bucket. Thread-safe and allocation-free, so stream threads can record into it.
 */
public final class LatencyHistogram {

    static final int MAX_EXACT_MILLIS = 120_000;

    private final AtomicLongArray counts = new AtomicLongArray(MAX_EXACT_MILLIS + 2);
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong max = new AtomicLong();

    /** Records one latency; a negative one (clocks a millisecond apart) counts as 0. */
    public void record(long millis) {
        long value = Math.max(0, millis);
        counts.incrementAndGet((int) Math.min(value, MAX_EXACT_MILLIS + 1));
        total.incrementAndGet();
        max.accumulateAndGet(value, Math::max);
    }

    public long count() {
        return total.get();
    }

    public long maxMillis() {
        return max.get();
    }

    /**
     * The latency that {@code quantile} (0..1) of the recorded ones do not exceed; {@link #MAX_EXACT_MILLIS} + 1
     * means "over two minutes". 0 when nothing was recorded.
     */
    public long percentileMillis(double quantile) {
        long n = total.get();
        if (n == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(quantile * n));
        long seen = 0;
        for (int millis = 0; millis < counts.length(); millis++) {
            seen += counts.get(millis);
            if (seen >= rank) {
                return millis;
            }
        }
        return MAX_EXACT_MILLIS + 1L;
    }

    /** The figures a report prints. */
    public Summary summary() {
        return new Summary(count(), percentileMillis(0.50), percentileMillis(0.99), percentileMillis(0.999),
                maxMillis());
    }

    /** Percentiles in milliseconds. */
    public record Summary(long count, long p50, long p99, long p999, long max) {
    }
}
