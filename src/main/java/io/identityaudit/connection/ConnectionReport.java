package io.identityaudit.connection;

import io.identityaudit.config.TenantPolicy;
import io.identityaudit.token.ErrorCode;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a connection check found, step by step, so a person can see how far it got and how long each request took.
 *
 * @param steps   the requests made, in order; the last one failed when the check failed
 * @param keys    the published keys, empty unless the key set was read
 * @param notes   observations that do not fail the check
 * @param failure why the check failed; null when it passed
 */
public record ConnectionReport(TenantPolicy org, List<Step> steps, List<PublishedKey> keys, List<String> notes,
                               Failure failure) {

    public ConnectionReport {
        steps = List.copyOf(steps);
        keys = List.copyOf(keys);
        notes = List.copyOf(notes);
    }

    public boolean passed() {
        return failure == null;
    }

    public Optional<Failure> failureIfAny() {
        return Optional.ofNullable(failure);
    }

    /** Sum of the steps' durations. */
    public Duration total() {
        return steps.stream().map(Step::took).reduce(Duration.ZERO, Duration::plus);
    }

    /** One HTTPS request and what came of it. */
    public record Step(String name, URI uri, Duration took, boolean ok, String summary) {
    }

    /**
     * A key as the org publishes it (public parameters only).
     *
     * @param usableFor the accepted algorithms the pipeline would verify with this key; empty if none
     * @param whyNot    why the pipeline would not use the key; null when it would
     */
    public record PublishedKey(String keyId, String keyType, String algorithm, String use, List<String> usableFor,
                               String whyNot) {

        public PublishedKey {
            usableFor = List.copyOf(usableFor);
        }
    }

    public record Failure(ErrorCode code, String detail) {
    }
}
