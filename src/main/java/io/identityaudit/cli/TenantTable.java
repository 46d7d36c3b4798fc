package io.identityaudit.cli;

import io.identityaudit.avro.TenantSsoConfig;
import io.identityaudit.config.DomainPolicy;
import io.identityaudit.config.TenantConfigCheck;
import io.identityaudit.token.ErrorCode;
import io.identityaudit.token.SafeText;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Tenants as a table, one row each, with a STATUS saying what the pipeline does with the tenant's events, and
 * below it the reasons: why a config is unusable, which records were ignored.
 */
final class TenantTable {

    private TenantTable() {
    }

    static void print(PrintWriter out, Collection<TenantEntry> entries, DomainPolicy policy) {
        TextTable table = new TextTable("TENANT", "PROVIDER", "CLIENT ID", "DOMAIN", "ENABLED", "UPDATED AT",
                "UPDATED BY", "STATUS");
        List<String> notes = new ArrayList<>();
        for (TenantEntry entry : entries) {
            TenantSsoConfig config = entry.config();
            String quotedId = SafeText.quote(entry.tenantId());
            if (config == null) {
                table.row(entry.tenantId(), null, null, null, null, null, null, "unreadable");
            } else {
                TenantConfigCheck check = TenantConfigCheck.of(config, policy);
                String status;
                if (check instanceof TenantConfigCheck.Unusable unusable) {
                    status = ErrorCode.TENANT_CONFIG_INVALID.name();
                    notes.add("tenant " + quotedId + ": " + ErrorCode.TENANT_CONFIG_INVALID + ": " + unusable.reason()
                            + " (its events are rejected)");
                } else {
                    status = config.getEnabled() ? "ok" : "disabled (SSO_DISABLED)";
                }
                table.row(entry.tenantId(), config.getProvider(), config.getClientId(), config.getDomain(),
                        config.getEnabled() ? "yes" : "no", config.getUpdatedAt(), config.getUpdatedBy(), status);
            }
            for (String ignored : entry.ignored()) {
                notes.add("tenant " + quotedId + ": record at " + ignored + " (ignored, as the pipeline does"
                        + (config == null ? "; no readable config: its events are UNKNOWN_TENANT)" : ")"));
            }
        }
        table.print(out, "  ");
        notes.forEach(note -> out.println("Note: " + note));
        out.flush();
    }
}
