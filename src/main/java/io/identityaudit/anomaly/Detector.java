package io.identityaudit.anomaly;

import io.identityaudit.avro.AnomalyKind;
import io.identityaudit.avro.AnomalySignal;
import java.time.Duration;
import java.util.List;

/**
 * One anomaly detector: which verdicts concern it and under which key ({@link #signals}), and what a signal does
 * to the key's state in the current event-time window ({@link #observe}). The windows, the state, the re-delivery
 * guard and the "emit once" marker are {@link AnomalyDetectors}'s; a detector only counts and decides.
 */
interface Detector {

    /** Names the detector's signals and its keys in the windows store; part of the topology's contract. */
    String name();

    AnomalyKind kind();

    /** Tumbling event-time windows of this length, aligned to the epoch. */
    Duration window();

    /** The signals this verdict gives the detector, each keyed by what the detector groups by. */
    List<AnomalySignal> signals(VerdictFacts facts);

    /** Counts the signal into the key's window and returns what crossed a threshold (emitted once per stage). */
    List<Finding> observe(AnomalySignal signal, Tally tally);

    /** The state for a later window of the same key. */
    default Tally next(Tally previous, long windowStart) {
        return previous.next(windowStart);
    }

    /** Whether accepted tokens are evidence (sampled) for this detector, rather than facts it learns. */
    default boolean countsAccepted() {
        return true;
    }

    /**
     * What makes a verdict's signal new to this detector within a window: signals with the same repeat key in the
     * same window tell it nothing it does not know, and only the first is built and sent. {@code null}, the default, when every
     * signal counts (volumes, not distinct values).
     */
    default String repeatKey(VerdictFacts facts) {
        return null;
    }
}
