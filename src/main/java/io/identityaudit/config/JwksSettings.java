package io.identityaudit.config;

import java.time.Duration;

/**
 * How the org signing keys are fetched and cached (one nimbus {@code JWKSourceBuilder} source per domain).
 *
 * @param connectTimeout   TCP/TLS connect timeout of one JWKS request
 * @param readTimeout      read timeout of one JWKS request
 * @param sizeLimitBytes   larger JWKS documents are refused
 * @param cacheTimeToLive  how long a fetched key set is used before it is fetched again
 * @param refreshTimeout   how long a caller waits for a refresh another thread started
 * @param rateLimit        minimum interval between fetches triggered by unknown key ids
 * @param outageTolerance  how long the last good key set keeps serving while the endpoint fails
 */
public record JwksSettings(
        Duration connectTimeout,
        Duration readTimeout,
        int sizeLimitBytes,
        Duration cacheTimeToLive,
        Duration refreshTimeout,
        Duration rateLimit,
        Duration outageTolerance) {

    public static final JwksSettings DEFAULTS = new JwksSettings(
            Duration.ofSeconds(2),
            Duration.ofSeconds(2),
            256 * 1024,
            Duration.ofMinutes(5),
            Duration.ofSeconds(5),
            Duration.ofSeconds(30),
            Duration.ofHours(1));

    public JwksSettings {
        if (!rateLimit.minus(cacheTimeToLive).isNegative()) {
            // nimbus refuses this combination too; say it in our own words at start-up.
            throw new IllegalArgumentException("the JWKS rate limit must be shorter than the cache time to live");
        }
        if (sizeLimitBytes <= 0) {
            throw new IllegalArgumentException("the JWKS size limit must be positive");
        }
    }
}
