package io.identityaudit.config;

import java.time.Duration;

/**
 * How events whose org's key set could not be read (JWKS_FETCH_FAILED) are tried again: through the retry
 * topic, after a backoff that doubles from {@code initialBackoff} up to {@code maxBackoff}, until a verdict other
 * than JWKS_FETCH_FAILED or {@code maxAttempts} tries in all. With the defaults the last try comes about 2.5
 * minutes after the first, enough to ride out a short Okta outage and several JWKS quiet intervals.
 *
 * @param maxAttempts tries in all, the first one included; 1 turns retries off
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

    public static final RetryPolicy DEFAULTS = new RetryPolicy(6, Duration.ofSeconds(5), Duration.ofMinutes(2));
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ofSeconds(1), Duration.ofSeconds(1));

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("at least one attempt is needed");
        }
        if (initialBackoff.isNegative() || initialBackoff.isZero() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("backoffs must be positive and the maximum not below the initial one");
        }
    }

    /** Whether an event judged {@code attempt} times may be tried again. */
    public boolean allowsAnotherAttemptAfter(int attempt) {
        return attempt < maxAttempts;
    }

    /** The wait after the {@code attempt}-th try: initial, doubled per try, capped. */
    public Duration backoffAfter(int attempt) {
        Duration backoff = initialBackoff;
        for (int i = 1; i < attempt && backoff.compareTo(maxBackoff) < 0; i++) {
            backoff = backoff.multipliedBy(2);
        }
        return backoff.compareTo(maxBackoff) > 0 ? maxBackoff : backoff;
    }
}
