package io.identityaudit.topology;

import io.identityaudit.avro.JwksRetry;
import io.identityaudit.token.ErrorCode;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;

/** Building and reading retries of events whose org's key set could not be read. */
final class Retries {

    private Retries() {
    }

    static boolean isJwksFailure(Verdict verdict) {
        return verdict instanceof Verdict.Rejected rejected
                && ErrorCode.JWKS_FETCH_FAILED.name().equals(rejected.rejection().getErrorCode());
    }

    static Verdict.Retry first(String key, byte[] event, Verdict.Rejected failure, InputPosition input,
                               Instant now) {
        JwksRetry retry = JwksRetry.newBuilder()
                .setEventKey(key)
                .setEvent(ByteBuffer.wrap(event))
                .setAttempt(1)
                .setFirstAttemptAt(now)
                .setLastDetail(failure.rejection().getDetail())
                .setInputTopic(input.topic())
                .setInputPartition(input.partition())
                .setInputOffset(input.offset())
                .build();
        return new Verdict.Retry(failure.key(), failure.timestamp(), retry);
    }

    static Verdict.Retry next(Verdict.Retry previous, Verdict.Rejected failure) {
        JwksRetry retry = JwksRetry.newBuilder(previous.retry())
                .setAttempt(previous.retry().getAttempt() + 1)
                .setLastDetail(failure.rejection().getDetail())
                .build();
        return new Verdict.Retry(previous.key(), previous.timestamp(), retry);
    }

    /** The last failure becomes final: its detail says how long the org was tried. */
    static Verdict.Rejected giveUp(Verdict.Rejected failure, JwksRetry retry, Instant now) {
        Duration tried = Duration.between(retry.getFirstAttemptAt(), now);
        failure.rejection().setDetail("after " + (retry.getAttempt() + 1) + " attempts over " + tried.toSeconds()
                + " s: " + failure.rejection().getDetail());
        return failure;
    }

    static byte[] eventBytes(JwksRetry retry) {
        ByteBuffer buffer = retry.getEvent().duplicate();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
