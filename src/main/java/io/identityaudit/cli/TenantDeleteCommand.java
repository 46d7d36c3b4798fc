package io.identityaudit.cli;

import io.identityaudit.token.SafeText;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "delete", mixinStandardHelpOptions = true,
        description = "Deletes a tenant's SSO config with a tombstone: its events that occur from now on are "
                + "rejected as UNKNOWN_TENANT. Deleting a tenant that is not configured is harmless.")
final class TenantDeleteCommand extends TenantsSubcommand {

    @Parameters(index = "0", paramLabel = "TENANT", description = "The tenant id.")
    String tenantId;

    @Override
    int run(PrintWriter out, PrintWriter err) {
        TenantConfigTopic topic = configTopic();
        if (!topic.exists()) {
            err.println("Topic " + topic.topic() + " does not exist, so tenant " + SafeText.quote(tenantId)
                    + " is not configured; nothing was deleted.");
            return ExitCode.REFUSED;
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        RecordMetadata deleted = topic.delete(tenantId, now);
        out.printf("Deleted tenant %s: tombstone written to %s (partition %d, offset %d).%n",
                SafeText.quote(tenantId), topic.topic(), deleted.partition(), deleted.offset());
        out.println("Its events that occur at or after " + now + " are rejected as UNKNOWN_TENANT.");
        return ExitCode.OK;
    }
}
