package io.identityaudit.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "identity-audit",
        mixinStandardHelpOptions = true,
        version = "identity-audit 0.1.0",
        description = "Verifies the Okta ID tokens carried by widget session events, tenant by tenant, and writes "
                + "an audit trail of verified identities and rejections to Kafka.",
        subcommands = {RunCommand.class, DemoCommand.class, TenantsCommand.class, TestConnectionCommand.class,
                ExplainTokenCommand.class, BenchCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:done / token verified / org reachable",
                "1:refused: token rejected, connection check failed, config invalid",
                "2:usage error",
                "3:failure: Kafka unreachable, file unreadable, pipeline died"})
public final class IdentityAuditCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = LayeredDefaults.CONFIG_OPTION, paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "Properties file with option values (key = option name without --, e.g. "
                    + "bootstrap-servers=broker:9092) and kafka.* pass-through properties. Env: IDENTITY_AUDIT_CONFIG.")
    Path configFile;

    LayeredDefaults defaults;
    volatile ShutdownSignal shutdownSignal;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE;
    }

    /** Installs the SIGTERM/Ctrl-C hook for a long-running command. */
    ShutdownSignal installShutdownSignal() {
        shutdownSignal = ShutdownSignal.install();
        return shutdownSignal;
    }

    boolean exitingOnSignal() {
        ShutdownSignal signal = shutdownSignal;
        return signal != null && signal.fromSignal();
    }
}
