package io.identityaudit.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine;

/**
 * Runs the command line in this JVM as {@link Main#execute} does, but with captured stdout and stderr, an empty
 * environment (so the developer's IDENTITY_AUDIT_* variables cannot change a test) and a given standard input.
 */
final class Cli {

    private Cli() {
    }

    /** What a run printed and how it ended. */
    record Result(int exitCode, String out, String err) {

        /** Everything the user saw. */
        String all() {
            return out + err;
        }
    }

    static Result run(String... args) {
        return runWithStdin("", args);
    }

    static Result runWithStdin(String stdin, String... args) {
        IdentityAuditCommand root = new IdentityAuditCommand();
        try {
            root.defaults = LayeredDefaults.from(args, Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CommandLine commandLine = new CommandLine(root, new StdinFactory(stdin));
        commandLine.setDefaultValueProvider(root.defaults);
        commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            cmd.getErr().println("identity-audit: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return ExitCode.FAILED;
        });
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    /** Gives explain-token this run's standard input instead of System.in, which tests must not replace. */
    private record StdinFactory(String stdin) implements CommandLine.IFactory {

        @Override
        public <K> K create(Class<K> type) throws Exception {
            if (type == ExplainTokenCommand.class) {
                return type.cast(new ExplainTokenCommand(this::input));
            }
            return CommandLine.defaultFactory().create(type);
        }

        private InputStream input() {
            return new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        }
    }
}
