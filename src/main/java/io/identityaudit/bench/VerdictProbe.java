package io.identityaudit.bench;

import io.identityaudit.topology.Verdict;
import io.identityaudit.topology.VerdictListener;
import java.util.concurrent.atomic.LongAdder;

/**
 * Listens to the pipeline's verdicts as they are emitted (before their transaction commits), next to the
 * production meters it passes them on to: how many final verdicts and retries, how long judging took in all, and
 * optionally the event-to-verdict lag at emission.
 */
final class VerdictProbe implements VerdictListener {

    private final VerdictListener next;
    private final LongAdder finals = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder judgingNanos = new LongAdder();
    private final LatencyHistogram emittedLag = new LatencyHistogram();
    private volatile long lagFromEpochMillis = Long.MAX_VALUE;

    VerdictProbe(VerdictListener next) {
        this.next = next;
    }

    @Override
    public void onVerdict(Verdict verdict, long validationNanos) {
        next.onVerdict(verdict, validationNanos);
        judgingNanos.add(validationNanos);
        if (verdict instanceof Verdict.Retry) {
            retries.increment();
            return;
        }
        finals.increment();
        long occurred = verdict.timestamp().toEpochMilli();
        if (occurred >= lagFromEpochMillis) {
            emittedLag.record(System.currentTimeMillis() - occurred);
        }
    }

    /** Records the emission lag of events that occurred at or after {@code epochMillis}. */
    void recordLagFrom(long epochMillis) {
        lagFromEpochMillis = epochMillis;
    }

    long finals() {
        return finals.sum();
    }

    long retries() {
        return retries.sum();
    }

    /** Time spent in the verifier (decode, tenant lookup, validation, building the verdict), all threads. */
    long judgingNanos() {
        return judgingNanos.sum();
    }

    LatencyHistogram emittedLag() {
        return emittedLag;
    }
}
