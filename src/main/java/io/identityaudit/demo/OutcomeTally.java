package io.identityaudit.demo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The demo's books: which outcome each produced event was meant to get, and which verdicts the pipeline wrote
 * for it. Verdicts for events this run did not produce (an earlier run's, when a data directory is reused) are
 * counted apart and otherwise ignored.
 *
 * <p>{@link #expect} may be called from the producing thread while one other thread records verdicts and reads.
 */
public final class OutcomeTally {

    /** One event whose verdict differs from what it was meant to get. */
    public record Mismatch(String trackingId, Outcome intended, String actual) {
    }

    private static final int MAX_MISMATCH_EXAMPLES = 10;

    private final Map<Outcome, Integer> intendedCounts;
    private final Map<String, Outcome> intendedById = new ConcurrentHashMap<>();
    private final Map<String, String> firstVerdictById = new ConcurrentHashMap<>();
    private final Map<String, Integer> verdictCounts = new ConcurrentHashMap<>();
    private final List<Mismatch> mismatchExamples = Collections.synchronizedList(new ArrayList<>());
    private volatile int verified;
    private volatile int rejected;
    private volatile int duplicates;
    private volatile int mismatches;
    private volatile int foreign;

    /** @param intendedCounts what the whole traffic is meant to produce, per outcome */
    public OutcomeTally(Map<Outcome, Integer> intendedCounts) {
        this.intendedCounts = Collections.unmodifiableMap(new LinkedHashMap<>(intendedCounts));
    }

    /** Registers a produced event; call it before the event is sent. */
    public void expect(String trackingId, Outcome intended) {
        intendedById.put(trackingId, intended);
    }

    /**
     * Books one verdict.
     *
     * @param label {@link Outcome#VERIFIED_LABEL} or the rejection's error code
     */
    public synchronized void record(String trackingId, String label) {
        Outcome intended = trackingId == null ? null : intendedById.get(trackingId);
        if (intended == null) {
            foreign++;
            return;
        }
        verdictCounts.merge(label, 1, Integer::sum);
        if (Outcome.VERIFIED_LABEL.equals(label)) {
            verified++;
        } else {
            rejected++;
        }
        if (firstVerdictById.putIfAbsent(trackingId, label) != null) {
            duplicates++;
            return;
        }
        if (!intended.label().equals(label)) {
            mismatches++;
            if (mismatchExamples.size() < MAX_MISMATCH_EXAMPLES) {
                mismatchExamples.add(new Mismatch(trackingId, intended, label));
            }
        }
    }

    public Map<Outcome, Integer> intendedCounts() {
        return intendedCounts;
    }

    public int intended(String label) {
        return intendedCounts.entrySet().stream()
                .filter(e -> e.getKey().label().equals(label))
                .mapToInt(Map.Entry::getValue)
                .sum();
    }

    /** Verdicts written with this label for this run's events, duplicates included. */
    public int count(String label) {
        return verdictCounts.getOrDefault(label, 0);
    }

    /** Labels seen in verdicts that no intended outcome has (an unexpected error code). */
    public List<String> unexpectedLabels() {
        List<String> labels = new ArrayList<>();
        for (String label : verdictCounts.keySet()) {
            if (Outcome.all().stream().noneMatch(o -> o.label().equals(label))) {
                labels.add(label);
            }
        }
        Collections.sort(labels);
        return labels;
    }

    public int verified() {
        return verified;
    }

    public int rejected() {
        return rejected;
    }

    /** Verdicts of this run, duplicates included. */
    public int verdicts() {
        return verified + rejected;
    }

    /** Events that have at least one verdict. */
    public int judged() {
        return firstVerdictById.size();
    }

    /** Events produced so far (registered with {@link #expect}). */
    public int expected() {
        return intendedById.size();
    }

    /** Events with no verdict yet. */
    public int outstanding() {
        return intendedById.size() - firstVerdictById.size();
    }

    /** Second and later verdicts for one event: exactly-once would be broken. */
    public int duplicates() {
        return duplicates;
    }

    /** Events whose (first) verdict is not the intended outcome. */
    public int mismatches() {
        return mismatches;
    }

    public List<Mismatch> mismatchExamples() {
        synchronized (mismatchExamples) {
            return List.copyOf(mismatchExamples);
        }
    }

    /** Verdicts about events this run did not produce. */
    public int foreign() {
        return foreign;
    }

    /** Every intended event has exactly one verdict, and each is the intended one. */
    public boolean allAsIntended() {
        int total = intendedCounts.values().stream().mapToInt(Integer::intValue).sum();
        return intendedById.size() == total && judged() == total && duplicates == 0 && mismatches == 0;
    }
}
