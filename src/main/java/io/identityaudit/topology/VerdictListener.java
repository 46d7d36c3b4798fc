package io.identityaudit.topology;

/** Hears every verdict as it is emitted; the metrics subscribe here. Must be thread-safe and quick. */
@FunctionalInterface
public interface VerdictListener {

    VerdictListener NONE = verdict -> {
    };

    void onVerdict(Verdict verdict);
}
