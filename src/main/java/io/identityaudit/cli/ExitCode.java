package io.identityaudit.cli;

/** Exit codes scripts can rely on; documented in docs/cli.md. */
public final class ExitCode {

    /** The command did what was asked: the pipeline stopped cleanly, the token verified, the org answered. */
    public static final int OK = 0;
    /** The command ran and the answer is no: a token rejected, a connection check failed, a config refused. */
    public static final int REFUSED = 1;
    /** The command line is wrong (picocli's usage error code). */
    public static final int USAGE = 2;
    /** The environment failed: Kafka unreachable, a file unreadable, the pipeline died. */
    public static final int FAILED = 3;

    private ExitCode() {
    }
}
