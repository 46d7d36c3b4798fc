package io.identityaudit.cli;

import io.identityaudit.avro.TenantSsoConfig;
import io.identityaudit.config.DomainPolicy;
import io.identityaudit.config.TenantConfigCheck;
import io.identityaudit.token.ErrorCode;
import io.identityaudit.token.SafeText;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "put", mixinStandardHelpOptions = true,
        description = "Saves a tenant's SSO config (a new version, applying to events that occur from now on). "
                + "The config is checked exactly as the pipeline checks it; an unusable one is refused and "
                + "nothing is saved. Creates the compacted config topic if it is missing.")
final class TenantPutCommand extends TenantsSubcommand {

    @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "The tenant id (the record key).")
    String tenantId;

    @Option(names = "--client-id", required = true, paramLabel = "CLIENT_ID",
            description = "Client ID of the tenant's Okta single-page app, e.g. 0oa1b2c3d4e5f6g7h8i9.")
    String clientId;

    @Option(names = "--domain", required = true, paramLabel = "DOMAIN",
            description = "The tenant's Okta domain without https:// or a path, e.g. acme.okta.com.")
    String domain;

    @Option(names = "--provider", paramLabel = "PROVIDER", defaultValue = TenantConfigCheck.SUPPORTED_PROVIDER,
            description = "Identity provider type; only okta is supported (default: ${DEFAULT-VALUE}).")
    String provider;

    @Option(names = "--disabled", description = "Save the config with SSO switched off: the tenant's events are "
            + "rejected as SSO_DISABLED.")
    boolean disabled;

    @Option(names = "--updated-by", paramLabel = "WHO",
            description = "Who saves it, for the audit trail (default: the OS user name).")
    String updatedBy;

    @Override
    int run(PrintWriter out, PrintWriter err) {
        if (tenantId.isBlank()) {
            err.println("tenants put: --tenant must not be blank");
            return ExitCode.USAGE;
        }
        // Milliseconds, as the record stores them, so that what is printed is what was saved.
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        TenantSsoConfig config = TenantConfigs.config(tenantId, provider, clientId, domain, !disabled, now,
                updatedBy != null ? updatedBy : System.getProperty("user.name"));
        DomainPolicy policy = pipeline.settings().domainPolicy();
        if (TenantConfigCheck.of(config, policy) instanceof TenantConfigCheck.Unusable unusable) {
            ErrorReport.print(err, ErrorCode.TENANT_CONFIG_INVALID, unusable.reason());
            err.println("Nothing was saved.");
            return ExitCode.REFUSED;
        }
        TenantConfigTopic topic = configTopic();
        if (topic.ensureExists()) {
            out.println("Created the compacted topic " + topic.topic() + ".");
        }
        RecordMetadata saved = topic.save(config);
        out.printf("Saved tenant %s to %s (partition %d, offset %d):%n", SafeText.quote(tenantId), topic.topic(),
                saved.partition(), saved.offset());
        TenantTable.print(out, List.of(new TenantEntry(tenantId, config, List.of())), policy);
        out.println("The pipeline applies it to events that occurred at or after " + now + ".");
        return ExitCode.OK;
    }
}
