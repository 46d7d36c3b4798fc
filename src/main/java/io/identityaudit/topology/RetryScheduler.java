package io.identityaudit.topology;

import io.identityaudit.avro.JwksRetry;
import io.identityaudit.config.DomainPolicy;
import io.identityaudit.config.RetryPolicy;
import io.identityaudit.serde.Contracts;
import io.identityaudit.serde.MalformedRecordException;
import io.identityaudit.token.OktaIdTokenValidator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the events of the retry topic until their backoff has passed, then judges them again: a verdict ends
 * them, another JWKS failure makes them wait again for the next backoff until the retry policy's last attempt,
 * which ends in a final JWKS_FETCH_FAILED rejection. Waiting events live in a changelogged store keyed by due
 * time, so they survive a crash and are judged in due order. A later attempt waits in the store directly rather
 * than going round the retry topic again: the store's changelog makes it just as durable, at a third of the
 * writes, which is what keeps an org that stays down from costing the other tenants' throughput.
 */
final class RetryScheduler implements Processor<String, byte[], String, Verdict> {

    private static final Logger log = LoggerFactory.getLogger(RetryScheduler.class);
    static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);

    private final String tenantStoreName;
    private final TenantConfigChanges tenantChanges;
    private final String retryStoreName;
    private final DomainPolicy domainPolicy;
    private final OktaIdTokenValidator validator;
    private final RetryPolicy retryPolicy;
    private final VerdictListener listener;
    private ProcessorContext<String, Verdict> context;
    private KeyValueStore<String, byte[]> waiting;
    private EventJudge judge;

    RetryScheduler(String tenantStoreName, TenantConfigChanges tenantChanges, String retryStoreName,
                   DomainPolicy domainPolicy, OktaIdTokenValidator validator, RetryPolicy retryPolicy, VerdictListener listener) {
        this.tenantStoreName = tenantStoreName;
        this.tenantChanges = tenantChanges;
        this.retryStoreName = retryStoreName;
        this.domainPolicy = domainPolicy;
        this.validator = validator;
        this.retryPolicy = retryPolicy;
        this.listener = listener;
    }

    @Override
    public void init(ProcessorContext<String, Verdict> context) {
        this.context = context;
        this.waiting = context.getStateStore(retryStoreName);
        this.judge = new EventJudge(new TenantDirectory(context.getStateStore(tenantStoreName), tenantChanges,
                domainPolicy), validator);
        context.schedule(CHECK_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::judgeDue);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        JwksRetry retry;
        try {
            retry = Contracts.JWKS_RETRY.decode(record.value());
        } catch (MalformedRecordException e) {
            // Only identity-audit writes this topic; anything else on it still gets its one verdict.
            InputPosition position = context.recordMetadata().map(RetryScheduler::position)
                    .orElse(new InputPosition("unknown", -1, -1));
            forward(Verdicts.malformedEvent(record.key(), Instant.ofEpochMilli(record.timestamp()),
                    "the retry record is not a JwksRetry: " + e.getMessage(), position));
            return;
        }
        waitForNextAttempt(retry, record.value(), Instant.ofEpochMilli(context.currentSystemTimeMs()));
    }

    private void waitForNextAttempt(JwksRetry retry, byte[] encoded, Instant now) {
        Instant due = now.plus(retryPolicy.backoffAfter(retry.getAttempt()));
        waiting.put(waitingKey(due, retry), encoded);
    }

    private void judgeDue(long nowMillis) {
        List<KeyValue<String, byte[]>> due = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> entries = waiting.range(null, dueBoundary(nowMillis))) {
            entries.forEachRemaining(due::add);
        }
        Instant now = Instant.ofEpochMilli(nowMillis);
        for (KeyValue<String, byte[]> entry : due) {
            waiting.delete(entry.key);
            JwksRetry retry = Contracts.JWKS_RETRY.decode(entry.value);
            InputPosition input = new InputPosition(retry.getInputTopic(), retry.getInputPartition(),
                    retry.getInputOffset());
            long started = System.nanoTime();
            Verdict verdict = judge.judge(retry.getEventKey(), Retries.eventBytes(retry), now, input);
            if (Retries.isJwksFailure(verdict)) {
                Verdict.Rejected failure = (Verdict.Rejected) verdict;
                int attempts = retry.getAttempt() + 1;
                verdict = retryPolicy.allowsAnotherAttemptAfter(attempts)
                        ? Retries.next(new Verdict.Retry(failure.key(), failure.timestamp(), retry), failure)
                        : Retries.giveUp(failure, retry, now);
            }
            log.debug("Retry of {}-{}@{} ended as {}", input.topic(), input.partition(), input.offset(),
                    verdict.getClass().getSimpleName());
            listener.onVerdict(verdict, System.nanoTime() - started);
            if (verdict instanceof Verdict.Retry again) {
                waitForNextAttempt(again.retry(), Contracts.JWKS_RETRY.encode(again.retry()), now);
            } else {
                forward(verdict);
            }
        }
    }

    private void forward(Verdict verdict) {
        context.forward(new Record<>(verdict.key(), verdict, verdict.timestamp().toEpochMilli(),
                new RecordHeaders()));
    }

    /** Due time first, zero-padded so the store's byte order is time order; the input position makes it unique. */
    private static String waitingKey(Instant due, JwksRetry retry) {
        return paddedMillis(due.toEpochMilli()) + '|' + retry.getInputTopic() + '|' + retry.getInputPartition()
                + '|' + retry.getInputOffset();
    }

    private static String dueBoundary(long nowMillis) {
        return paddedMillis(nowMillis) + "|~";
    }

    /** Nineteen digits, the most a positive long has (String.format would do, at ten times the cost). */
    private static String paddedMillis(long millis) {
        String digits = Long.toString(millis);
        return "0".repeat(19 - digits.length()) + digits;
    }

    private static InputPosition position(RecordMetadata metadata) {
        return new InputPosition(metadata.topic(), metadata.partition(), metadata.offset());
    }
}
