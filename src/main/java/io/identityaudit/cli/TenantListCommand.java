package io.identityaudit.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Command;

@Command(name = "list", mixinStandardHelpOptions = true,
        description = "Lists every tenant's SSO config as the pipeline applies them now: the topic is read to its "
                + "end, the latest config of each tenant wins and deleted tenants are left out.")
final class TenantListCommand extends TenantsSubcommand {

    @Override
    int run(PrintWriter out, PrintWriter err) {
        TenantSnapshot snapshot = configTopic().read();
        if (!snapshot.topicExists()) {
            out.println("No tenants: topic " + snapshot.topic() + " does not exist yet (run and tenants put "
                    + "create it).");
            return ExitCode.OK;
        }
        if (snapshot.tenants().isEmpty()) {
            out.println("No tenants configured in " + snapshot.topic() + ".");
        } else {
            out.println(snapshot.tenants().size() + " tenant(s) in " + snapshot.topic() + " (" + snapshot.recordsRead()
                    + " records read):");
            TenantTable.print(out, snapshot.tenants().values(), pipeline.settings().domainPolicy());
        }
        snapshot.unkeyed().forEach(position -> out.println("Note: record at " + position
                + " has no key and is ignored (the key must be the tenant id)"));
        return ExitCode.OK;
    }
}
