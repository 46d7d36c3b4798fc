package io.identityaudit.demo;

import java.io.PrintWriter;

/**
 * One line of live status. On a terminal it is redrawn in place with a carriage return, padded with spaces so that
 * a shorter line fully covers the previous one; elsewhere (a log file, a pipe, a test) every drawing is a line of
 * its own, so the output stays readable there.
 */
public final class StatusLine {

    private final PrintWriter out;
    private final boolean terminal;
    private int lastWidth;

    public StatusLine(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    public boolean terminal() {
        return terminal;
    }

    public void draw(String line) {
        if (terminal) {
            out.print("\r" + line + " ".repeat(Math.max(0, lastWidth - line.length())));
            lastWidth = line.length();
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Ends the line on a terminal, so that what is printed next starts on a line of its own. */
    public void end() {
        if (terminal) {
            out.println();
            lastWidth = 0;
        }
        out.flush();
    }
}
