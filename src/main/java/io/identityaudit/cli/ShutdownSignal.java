package io.identityaudit.cli;

import java.util.concurrent.CountDownLatch;

/**
 * Turns SIGTERM / Ctrl-C into an orderly stop: the hook asks the running command to stop and waits until it has
 * closed what it opened (Streams commits its transaction), so nothing is cut off mid-write.
 */
public final class ShutdownSignal {

    private final CountDownLatch requested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean byHook;
    private volatile int exitCode = ExitCode.OK;

    public static ShutdownSignal install() {
        ShutdownSignal signal = new ShutdownSignal();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (signal.finished.getCount() == 0) {
                // The command ended before the JVM began exiting: a normal exit (System.exit with the command's
                // code, or the end of a test JVM that ran commands), whose status must stay the JVM's own.
                return;
            }
            signal.byHook = true;
            signal.requested.countDown();
            try {
                signal.finished.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // The JVM would exit with 128 + the signal; a stop on request that closed cleanly is a success.
            Runtime.getRuntime().halt(signal.exitCode);
        }, "identity-audit-shutdown"));
        return signal;
    }

    /** Blocks until a stop is requested. */
    public void await() throws InterruptedException {
        requested.await();
    }

    public void request() {
        requested.countDown();
    }

    public boolean requested() {
        return requested.getCount() == 0;
    }

    /** True when the JVM is exiting on a signal: the command must not call System.exit then. */
    public boolean fromSignal() {
        return byHook;
    }

    /** The command has closed everything; lets the JVM finish exiting with the command's exit code. */
    public void done(int commandExitCode) {
        exitCode = commandExitCode;
        finished.countDown();
    }
}
