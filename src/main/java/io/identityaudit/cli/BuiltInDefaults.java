package io.identityaudit.cli;

import io.identityaudit.config.JwksSettings;
import io.identityaudit.config.PipelineSettings;
import io.identityaudit.config.RetryPolicy;
import io.identityaudit.config.TokenRules;
import io.identityaudit.config.Topics;
import java.time.Duration;
import java.util.Map;

/**
 * The command line's defaults, read from the settings types' own defaults so that each value is written once;
 * {@code --help} shows them.
 */
final class BuiltInDefaults {

    private static final Topics TOPICS = Topics.DEFAULTS;
    private static final TokenRules RULES = TokenRules.DEFAULTS;
    private static final JwksSettings JWKS = JwksSettings.DEFAULTS;
    private static final RetryPolicy RETRY = RetryPolicy.DEFAULTS;

    static final Map<String, String> VALUES = Map.ofEntries(
            Map.entry("events-topic", TOPICS.sessionEvents()),
            Map.entry("tenant-configs-topic", TOPICS.tenantConfigs()),
            Map.entry("verified-topic", TOPICS.verified()),
            Map.entry("rejected-topic", TOPICS.rejected()),
            Map.entry("retry-topic", TOPICS.retries()),
            Map.entry("anomalies-topic", TOPICS.anomalies()),
            Map.entry("config-changes-topic", TOPICS.configChanges()),
            Map.entry("retry-max-attempts", String.valueOf(RETRY.maxAttempts())),
            Map.entry("retry-backoff", text(RETRY.initialBackoff())),
            Map.entry("retry-max-backoff", text(RETRY.maxBackoff())),
            Map.entry("clock-skew", text(RULES.clockSkew())),
            Map.entry("max-token-chars", String.valueOf(RULES.maxTokenChars())),
            Map.entry("jwks-connect-timeout", text(JWKS.connectTimeout())),
            Map.entry("jwks-read-timeout", text(JWKS.readTimeout())),
            Map.entry("jwks-size-limit", String.valueOf(JWKS.sizeLimitBytes())),
            Map.entry("jwks-cache-ttl", text(JWKS.cacheTimeToLive())),
            Map.entry("jwks-refresh-timeout", text(JWKS.refreshTimeout())),
            Map.entry("jwks-rate-limit", text(JWKS.rateLimit())),
            Map.entry("jwks-outage-tolerance", text(JWKS.outageTolerance())),
            Map.entry("tenant-config-history", text(PipelineSettings.DEFAULTS.tenantConfigHistory())));

    private BuiltInDefaults() {
    }

    /** A duration in the short form {@link DurationConverter} reads back. */
    static String text(Duration duration) {
        if (duration.toMillis() % 1000 != 0) {
            return duration.toMillis() + "ms";
        }
        long seconds = duration.toSeconds();
        if (seconds % 86_400 == 0) {
            return seconds / 86_400 + "d";
        }
        if (seconds % 3600 == 0) {
            return seconds / 3600 + "h";
        }
        if (seconds % 60 == 0) {
            return seconds / 60 + "m";
        }
        return seconds + "s";
    }
}
