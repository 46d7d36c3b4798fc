package io.identityaudit.cli;

import java.io.IOException;
import picocli.CommandLine;

/** The {@code identity-audit} command line. */
public final class Main {

    /** The level of the application's own loggers (logback.xml); INFO unless set. */
    static final String LOG_LEVEL_PROPERTY = "identity-audit.log.level";

    private Main() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("bench")) {
            // Every pipeline the benchmark starts logs a line per tenant config (thousands with --tenants 10000),
            // which would bury its progress bars: it logs warnings only, unless the property is given. Set before
            // the first logger exists, as logback reads it once (logback.xml).
            System.setProperty(LOG_LEVEL_PROPERTY, System.getProperty(LOG_LEVEL_PROPERTY, "WARN"));
        }
        IdentityAuditCommand root = new IdentityAuditCommand();
        int code = execute(root, args);
        // On SIGTERM the JVM is already exiting; System.exit would wait forever for the shutdown hook.
        if (!root.exitingOnSignal()) {
            System.exit(code);
        }
    }

    /** Runs a command in this JVM and returns its exit code; what tests call. */
    public static int execute(String... args) {
        return execute(new IdentityAuditCommand(), args);
    }

    static int execute(IdentityAuditCommand root, String... args) {
        LayeredDefaults defaults;
        try {
            defaults = LayeredDefaults.from(args, System.getenv());
        } catch (IOException e) {
            System.err.println("identity-audit: cannot read the config file: " + e.getMessage());
            return ExitCode.FAILED;
        }
        root.defaults = defaults;
        CommandLine commandLine = new CommandLine(root);
        commandLine.setDefaultValueProvider(defaults);
        commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            cmd.getErr().println("identity-audit: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return ExitCode.FAILED;
        });
        return commandLine.execute(args);
    }
}
