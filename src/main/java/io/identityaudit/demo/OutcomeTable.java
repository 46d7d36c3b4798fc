package io.identityaudit.demo;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The demo's result: per outcome, how many verdicts the pipeline wrote, how many the traffic meant to provoke,
 * whether they match, and how the traffic provoked them.
 *
 * <pre>
 *   outcome                   count  expected  match  how the demo provoked it
 *   VERIFIED                   1600      1600  ok     genuine ID tokens of acme and globex users, ...
 *   TOKEN_EXPIRED                27        27  ok     expired 5 minutes to 8 hours before the event
 *   INTERNAL_ERROR                0         0  ok     cannot be provoked: only a bug in identity-audit gives it
 *   total                      2000      2000  ok
 * </pre>
 */
public final class OutcomeTable {

    public static final String MATCH = "ok";
    public static final String MISMATCH = "MISMATCH";

    private static final String ROW = "  %-23s %6s  %8s  %-8s %s";

    private OutcomeTable() {
    }

    public static void print(PrintWriter out, OutcomeTally tally) {
        rows(tally).forEach(out::println);
        out.flush();
    }

    public static List<String> rows(OutcomeTally tally) {
        List<String> rows = new ArrayList<>();
        rows.add("Outcomes (count: verdicts read from the output topics with read_committed; "
                + "expected: what the traffic meant to provoke)");
        rows.add(row("outcome", "count", "expected", "match", "how the demo provoked it").stripTrailing());
        int intendedTotal = 0;
        for (Outcome outcome : Outcome.all()) {
            int count = tally.count(outcome.label());
            int intended = tally.intended(outcome.label());
            intendedTotal += intended;
            rows.add(row(outcome.label(), count, intended, DemoTraffic.scenario(outcome)));
        }
        for (String label : tally.unexpectedLabels()) {
            rows.add(row(label, tally.count(label), 0, "not a code of this version"));
        }
        rows.add(row("total", tally.verdicts(), intendedTotal, "").stripTrailing());
        if (tally.duplicates() > 0) {
            rows.add(String.format(Locale.ROOT, "%d event(s) got more than one verdict: exactly-once was broken.",
                    tally.duplicates()));
        }
        if (tally.outstanding() > 0) {
            rows.add(String.format(Locale.ROOT, "%d event(s) got no verdict.", tally.outstanding()));
        }
        for (OutcomeTally.Mismatch mismatch : tally.mismatchExamples()) {
            rows.add("  event " + mismatch.trackingId() + ": meant to be " + mismatch.intended().label()
                    + ", got " + mismatch.actual());
        }
        if (tally.mismatches() > tally.mismatchExamples().size()) {
            rows.add(String.format(Locale.ROOT, "  ... and %d more event(s) with another verdict than meant",
                    tally.mismatches() - tally.mismatchExamples().size()));
        }
        if (tally.foreign() > 0) {
            rows.add(String.format(Locale.ROOT, "%d verdict(s) of earlier runs in this data directory were not "
                    + "counted.", tally.foreign()));
        }
        return rows;
    }

    private static String row(String label, int count, int intended, String how) {
        return row(label, String.valueOf(count), String.valueOf(intended), count == intended ? MATCH : MISMATCH,
                how);
    }

    private static String row(String label, String count, String intended, String mark, String how) {
        return String.format(Locale.ROOT, ROW, label, count, intended, mark, how);
    }
}
