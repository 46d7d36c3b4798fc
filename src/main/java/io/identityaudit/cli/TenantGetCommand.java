package io.identityaudit.cli;

import io.identityaudit.token.SafeText;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "get", mixinStandardHelpOptions = true,
        description = "Shows the SSO config the pipeline applies to one tenant now: the topic is read to its end.")
final class TenantGetCommand extends TenantsSubcommand {

    @Parameters(index = "0", paramLabel = "TENANT", description = "The tenant id.")
    String tenantId;

    @Override
    int run(PrintWriter out, PrintWriter err) {
        TenantSnapshot snapshot = configTopic().read();
        Optional<TenantEntry> entry = snapshot.tenant(tenantId);
        if (entry.isEmpty()) {
            err.println("Tenant " + SafeText.quote(tenantId) + " is not configured in " + snapshot.topic()
                    + (snapshot.topicExists() ? "" : " (the topic does not exist yet)")
                    + ": its events are rejected as UNKNOWN_TENANT.");
            return ExitCode.REFUSED;
        }
        TenantTable.print(out, List.of(entry.get()), pipeline.settings().domainPolicy());
        return entry.get().configured() ? ExitCode.OK : ExitCode.REFUSED;
    }
}
