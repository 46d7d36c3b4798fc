package io.identityaudit.topology;

import io.identityaudit.config.DomainPolicy;
import io.identityaudit.config.RetryPolicy;
import io.identityaudit.token.OktaIdTokenValidator;
import java.time.Instant;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Turns each session event into exactly one {@link Verdict}: a verified identity, a rejection, or (when the org's
 * key set could not be read and the retry policy allows) a retry that the {@link RetryScheduler} will judge again.
 * The partition never stalls and nothing is dropped.
 */
final class SessionEventVerifier implements Processor<String, byte[], String, Verdict> {

    private final String tenantStoreName;
    private final TenantConfigChanges tenantChanges;
    private final DomainPolicy domainPolicy;
    private final OktaIdTokenValidator validator;
    private final RetryPolicy retryPolicy;
    private final VerdictListener listener;
    private ProcessorContext<String, Verdict> context;
    private EventJudge judge;

    SessionEventVerifier(String tenantStoreName, TenantConfigChanges tenantChanges, DomainPolicy domainPolicy,
                         OktaIdTokenValidator validator,                         RetryPolicy retryPolicy, VerdictListener listener) {
        this.tenantStoreName = tenantStoreName;
        this.tenantChanges = tenantChanges;
        this.domainPolicy = domainPolicy;
        this.validator = validator;
        this.retryPolicy = retryPolicy;
        this.listener = listener;
    }

    @Override
    public void init(ProcessorContext<String, Verdict> context) {
        this.context = context;
        this.judge = new EventJudge(new TenantDirectory(context.getStateStore(tenantStoreName), tenantChanges,
                domainPolicy), validator);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        InputPosition input = context.recordMetadata()
                .map(SessionEventVerifier::position)
                .orElse(new InputPosition("unknown", -1, -1));
        long started = System.nanoTime();
        Verdict verdict = judge.judge(record.key(), record.value(), Instant.ofEpochMilli(record.timestamp()), input);
        if (Retries.isJwksFailure(verdict) && retryPolicy.allowsAnotherAttemptAfter(1)) {
            verdict = Retries.first(record.key(), record.value(), (Verdict.Rejected) verdict, input,
                    Instant.ofEpochMilli(context.currentSystemTimeMs()));
        }
        listener.onVerdict(verdict, System.nanoTime() - started);
        // Input headers are dropped: a producer may have put anything there, the token included.
        context.forward(record
                .withKey(verdict.key())
                .withValue(verdict)
                .withTimestamp(verdict.timestamp().toEpochMilli())
                .withHeaders(new RecordHeaders()));
    }

    private static InputPosition position(RecordMetadata metadata) {
        return new InputPosition(metadata.topic(), metadata.partition(), metadata.offset());
    }
}
