package io.identityaudit.jwks;

import java.time.Duration;

/** Hears what the JWKS sources do; the metrics subscribe here. Must be thread-safe and quick. */
public interface JwksListener {

    JwksListener NONE = new JwksListener() {
    };

    /** One HTTPS request for a key set ended; {@code failure} is null on success. */
    default void onRequest(String domain, Duration took, JwksFailure failure) {
    }

    /** One key lookup ended; {@code cacheHit} when it needed no request. */
    default void onLookup(String domain, KeyLookup result, boolean cacheHit) {
    }

    /** A key set was read and cached. */
    default void onKeySetRead(String domain, int keyCount) {
    }
}
