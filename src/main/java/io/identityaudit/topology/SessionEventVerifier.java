package io.identityaudit.topology;

import io.identityaudit.avro.TenantSsoConfig;
import io.identityaudit.avro.WidgetSessionEvent;
import io.identityaudit.config.DomainPolicy;
import io.identityaudit.config.TenantConfigCheck;
import io.identityaudit.serde.Contracts;
import io.identityaudit.serde.MalformedRecordException;
import io.identityaudit.token.ErrorCode;
import io.identityaudit.token.OktaIdTokenValidator;
import io.identityaudit.token.SafeText;
import io.identityaudit.token.TokenFingerprint;
import io.identityaudit.token.TokenVerdict;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns each session event into exactly one {@link Verdict}. Whatever the input (undecodable bytes, an unknown
 * tenant, a hostile token, a bug) the result is a record, never an exception: the partition never stalls and
 * nothing is dropped.
 */
final class SessionEventVerifier implements Processor<String, byte[], String, Verdict> {

    private static final Logger log = LoggerFactory.getLogger(SessionEventVerifier.class);

    private final String tenantStoreName;
    private final DomainPolicy domainPolicy;
    private final OktaIdTokenValidator validator;
    private final VerdictListener listener;
    private ProcessorContext<String, Verdict> context;
    private TenantDirectory tenants;

    SessionEventVerifier(String tenantStoreName, DomainPolicy domainPolicy, OktaIdTokenValidator validator,
                         VerdictListener listener) {
        this.tenantStoreName = tenantStoreName;
        this.domainPolicy = domainPolicy;
        this.validator = validator;
        this.listener = listener;
    }

    @Override
    public void init(ProcessorContext<String, Verdict> context) {
        this.context = context;
        this.tenants = new TenantDirectory(context.getStateStore(tenantStoreName));
    }

    @Override
    public void process(Record<String, byte[]> record) {
        InputPosition input = context.recordMetadata()
                .map(SessionEventVerifier::position)
                .orElse(new InputPosition("unknown", -1, -1));
        Instant recordTime = Instant.ofEpochMilli(record.timestamp());
        long started = System.nanoTime();
        Verdict verdict;
        WidgetSessionEvent event = null;
        try {
            event = Contracts.SESSION_EVENT.decode(record.value());
            verdict = judge(event, input);
        } catch (MalformedRecordException e) {
            verdict = Verdicts.malformedEvent(record.key(), recordTime, e.getMessage(), input);
        } catch (RuntimeException | StackOverflowError e) {
            log.error("Event at {}-{}@{} failed with {}; rejected as INTERNAL_ERROR", input.topic(),
                    input.partition(), input.offset(), e.getClass().getName());
            verdict = Verdicts.internalError(record.key(), recordTime, event, e, input);
        }
        listener.onVerdict(verdict, System.nanoTime() - started);
        // Input headers are dropped: a producer may have put anything there, the token included.
        context.forward(record
                .withKey(verdict.key())
                .withValue(verdict)
                .withTimestamp(verdict.timestamp().toEpochMilli())
                .withHeaders(new RecordHeaders()));
    }

    private Verdict judge(WidgetSessionEvent event, InputPosition input) {
        Instant occurredAt = event.getOccurredAt();
        Optional<TenantSsoConfig> config = tenants.asOf(event.getTenantId(), occurredAt);
        String token = event.getIdToken();
        String fingerprint = token == null || token.isBlank() ? null : TokenFingerprint.of(token);
        if (config.isEmpty()) {
            return Verdicts.rejected(event, ErrorCode.UNKNOWN_TENANT, "tenant "
                    + SafeText.quote(event.getTenantId()) + " had no SSO configuration at " + occurredAt,
                    fingerprint, input);
        }
        if (!config.get().getEnabled()) {
            return Verdicts.rejected(event, ErrorCode.SSO_DISABLED, "SSO was disabled for tenant "
                    + SafeText.quote(event.getTenantId()) + " at " + occurredAt, fingerprint, input);
        }
        TenantConfigCheck check = TenantConfigCheck.of(config.get(), domainPolicy);
        if (check instanceof TenantConfigCheck.Unusable unusable) {
            return Verdicts.rejected(event, ErrorCode.TENANT_CONFIG_INVALID, "the SSO configuration of tenant "
                    + SafeText.quote(event.getTenantId()) + " is unusable: " + unusable.reason(), fingerprint, input);
        }
        if (token == null || token.isBlank()) {
            return Verdicts.rejected(event, ErrorCode.MISSING_TOKEN, "the event has no ID token", fingerprint,
                    input);
        }
        TenantConfigCheck.Usable usable = (TenantConfigCheck.Usable) check;
        TokenVerdict tokenVerdict = validator.validate(token, usable.policy(), occurredAt);
        if (tokenVerdict instanceof TokenVerdict.Accepted accepted) {
            return Verdicts.verified(event, accepted, input);
        }
        return Verdicts.rejected(event, (TokenVerdict.Refused) tokenVerdict, input);
    }

    private static InputPosition position(RecordMetadata metadata) {
        return new InputPosition(metadata.topic(), metadata.partition(), metadata.offset());
    }
}
