package io.identityaudit.bench;

import io.identityaudit.demo.StatusLine;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/**
 * One progress bar per step: {@code pipeline, round 1   [#########-----------]  46%  92,000/200,000  30,710/s  3.0 s}.
 * On a terminal the line is redrawn in place; elsewhere (a file, a pipe, a test) a new line is printed every few
 * seconds so the output stays readable.
 */
public final class BenchProgress {

    private static final int BAR_WIDTH = 20;
    private static final long TERMINAL_REDRAW_NANOS = Duration.ofMillis(200).toNanos();
    private static final long PLAIN_LINE_NANOS = Duration.ofSeconds(5).toNanos();

    private final StatusLine line;
    private String step;
    private String unit;
    private long total;
    private long startedNanos;
    private long lastShown;

    public BenchProgress(PrintWriter out, boolean terminal) {
        this.line = new StatusLine(out, terminal);
    }

    /** Starts a new bar. */
    public void begin(String stepName, String unitName, long totalCount) {
        this.step = stepName;
        this.unit = unitName;
        this.total = totalCount;
        this.startedNanos = System.nanoTime();
        // On a terminal the bar shows at once; elsewhere the first line comes after a few seconds, or at the end.
        this.lastShown = line.terminal() ? 0 : startedNanos;
    }

    /** Shows the count if it is time to. */
    public void update(long done) {
        long now = System.nanoTime();
        if (lastShown != 0 && now - lastShown < (line.terminal() ? TERMINAL_REDRAW_NANOS : PLAIN_LINE_NANOS)) {
            return;
        }
        lastShown = now;
        line.draw(text(done, now));
    }

    /** Shows the final count and ends the line. */
    public void finish(long done) {
        line.draw(text(done, System.nanoTime()));
        line.end();
    }

    String text(long done, long nowNanos) {
        double fraction = total <= 0 ? 1 : Math.min(1, (double) done / total);
        int filled = (int) Math.round(fraction * BAR_WIDTH);
        double seconds = (nowNanos - startedNanos) / 1e9;
        return String.format(Locale.ROOT, "%-26s [%s%s] %3d%%  %,d/%,d %s  %,.0f/s  %.1f s", step,
                "#".repeat(filled), "-".repeat(BAR_WIDTH - filled), Math.round(fraction * 100), done, total, unit,
                seconds > 0 ? done / seconds : 0, seconds);
    }
}
