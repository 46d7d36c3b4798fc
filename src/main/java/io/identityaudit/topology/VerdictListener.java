package io.identityaudit.topology;

/** Hears every verdict as it is emitted; the metrics subscribe here. Must be thread-safe and quick. */
@FunctionalInterface
public interface VerdictListener {

    VerdictListener NONE = (verdict, validationNanos) -> {
    };

    /**
     * @param validationNanos how long the event took from decoding to verdict, JWKS fetches included
     */
    void onVerdict(Verdict verdict, long validationNanos);
}
