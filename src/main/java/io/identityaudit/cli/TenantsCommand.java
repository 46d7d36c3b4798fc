package io.identityaudit.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "tenants", mixinStandardHelpOptions = true,
        description = "Manages tenant SSO configs in the compacted tenant config topic, like the dashboard's Save "
                + "Changes: a config is checked exactly as the pipeline checks it before it is saved.",
        subcommands = {TenantPutCommand.class, TenantGetCommand.class, TenantListCommand.class,
                TenantDeleteCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:refused: config invalid, tenant not configured", "2:usage error",
                "3:failure: Kafka unreachable or refusing"})
final class TenantsCommand implements Callable<Integer> {

    @ParentCommand
    IdentityAuditCommand root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE;
    }
}
