package io.identityaudit.demo;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/**
 * The demo's live progress: {@code produced 1200/2000 · verified 1010 · rejected 190 · 12.3 s}. On a terminal it
 * is one line redrawn in place with a carriage return; otherwise (a log file, a pipe, a test) it is printed as a
 * new line every few seconds, so the output stays readable there.
 */
public final class ProgressLine {

    private static final long TERMINAL_REDRAW_NANOS = Duration.ofMillis(100).toNanos();
    private static final long PLAIN_LINE_NANOS = Duration.ofSeconds(3).toNanos();

    private final StatusLine line;
    private final String separator;
    private final int total;
    private long lastShown;
    private boolean shownOnce;

    /**
     * @param terminal redraw one line in place
     * @param unicode  the output can show a middle dot; otherwise a bar separates the figures
     */
    public ProgressLine(PrintWriter out, boolean terminal, boolean unicode, int total) {
        this.line = new StatusLine(out, terminal);
        this.separator = unicode ? " \u00b7 " : " | ";
        this.total = total;
    }

    /** Shows the figures if it is time to (often on a terminal, every few seconds otherwise). */
    public void update(int produced, int verified, int rejected, Duration elapsed) {
        long now = System.nanoTime();
        long interval = line.terminal() ? TERMINAL_REDRAW_NANOS : PLAIN_LINE_NANOS;
        if (shownOnce && now - lastShown < interval) {
            return;
        }
        shownOnce = true;
        lastShown = now;
        line.draw(text(produced, verified, rejected, elapsed));
    }

    /** Shows the final figures and ends the line. */
    public void finish(int produced, int verified, int rejected, Duration elapsed) {
        line.draw(text(produced, verified, rejected, elapsed));
        line.end();
    }

    public String text(int produced, int verified, int rejected, Duration elapsed) {
        return String.format(Locale.ROOT, "produced %d/%d%sverified %d%srejected %d%s%.1f s", produced, total,
                separator, verified, separator, rejected, separator, elapsed.toMillis() / 1000.0);
    }
}
