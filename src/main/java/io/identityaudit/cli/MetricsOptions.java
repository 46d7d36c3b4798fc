package io.identityaudit.cli;

import io.identityaudit.metrics.TenantLabels;
import picocli.CommandLine.Option;

/** Where the Prometheus endpoint listens and how many tenants get their own label. */
public final class MetricsOptions {

    @Option(names = "--metrics", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Serve /metrics and /health over HTTP (default: ${DEFAULT-VALUE}).")
    boolean enabled;

    @Option(names = "--metrics-host", paramLabel = "HOST", defaultValue = "0.0.0.0",
            description = "Address the metrics endpoint binds to (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "9400",
            description = "Port of the metrics endpoint; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--metrics-tenant-limit", paramLabel = "N", defaultValue = "" + TenantLabels.DEFAULT_LIMIT,
            description = "Configured tenants that get their own tenant label; the rest share 'other'. 0 removes "
                    + "the per-tenant label (default: ${DEFAULT-VALUE}).")
    int tenantLimit;

    TenantLabels tenantLabels() {
        return new TenantLabels(tenantLimit);
    }
}
