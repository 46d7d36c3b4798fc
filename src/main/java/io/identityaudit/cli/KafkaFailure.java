package io.identityaudit.cli;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.TimeoutException;

/** Kafka could not do what a command asked. The message says what was attempted where, and what to check. */
final class KafkaFailure extends RuntimeException {

    KafkaFailure(String message, Throwable cause) {
        super(message, cause);
    }

    static KafkaFailure of(String bootstrapServers, String doing, Duration timeout, Throwable failure) {
        Throwable cause = failure instanceof ExecutionException && failure.getCause() != null
                ? failure.getCause() : failure;
        boolean timedOut = cause instanceof TimeoutException
                || cause instanceof java.util.concurrent.TimeoutException;
        String what = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        if (timedOut) {
            return new KafkaFailure("Kafka at " + bootstrapServers + " did not answer within " + timeout.toSeconds()
                    + " s while " + doing + " (" + what + "). Is a broker running there? Start one with "
                    + "'identity-audit run' (embedded, 127.0.0.1:9092) or pass --bootstrap-servers.", cause);
        }
        return new KafkaFailure("Kafka at " + bootstrapServers + " failed while " + doing + ": " + what, cause);
    }
}
