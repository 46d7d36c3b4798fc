package io.identityaudit.topology;

import io.identityaudit.avro.WidgetSessionEvent;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Judges one session event, given as the bytes it was produced with. Whatever the input (undecodable bytes, an
 * unknown tenant, a hostile token, a bug) the result is a {@link Verdict}, never an exception. Used for the first
 * try and for every retry, so both follow the same rules.
 */
final class EventJudge {

    private static final Logger log = LoggerFactory.getLogger(EventJudge.class);

    private final TenantDirectory tenants;
    private final OktaIdTokenValidator validator;

    EventJudge(TenantDirectory tenants, OktaIdTokenValidator validator) {
        this.tenants = tenants;
        this.validator = validator;
    }

    Verdict judge(String key, byte[] value, Instant recordTime, InputPosition input) {
        WidgetSessionEvent event = null;
        try {
            event = Contracts.SESSION_EVENT.decode(value);
            if (event.getOccurredAt().toEpochMilli() < 0) {
                // Kafka refuses a negative record timestamp, and every output is stamped with occurredAt.
                throw new MalformedRecordException("the event's occurredAt is before 1970");
            }
            return judge(event, input);
        } catch (MalformedRecordException e) {
            return Verdicts.malformedEvent(key, recordTime, e.getMessage(), input);
        } catch (RuntimeException | StackOverflowError e) {
            log.error("Event at {}-{}@{} failed with {}; rejected as INTERNAL_ERROR", input.topic(),
                    input.partition(), input.offset(), e.getClass().getName());
            return Verdicts.internalError(key, recordTime, event, e, input);
        }
    }

    private Verdict judge(WidgetSessionEvent event, InputPosition input) {
        Instant occurredAt = event.getOccurredAt();
        Optional<TenantDirectory.Version> version = tenants.asOf(event.getTenantId(), occurredAt);
        String token = event.getIdToken();
        String fingerprint = token == null || token.isBlank() ? null : TokenFingerprint.of(token);
        if (version.isEmpty()) {
            return Verdicts.rejected(event, ErrorCode.UNKNOWN_TENANT, "tenant "
                    + SafeText.quote(event.getTenantId()) + " had no SSO configuration at " + occurredAt,
                    fingerprint, input);
        }
        if (!version.get().config().getEnabled()) {
            return Verdicts.rejected(event, ErrorCode.SSO_DISABLED, "SSO was disabled for tenant "
                    + SafeText.quote(event.getTenantId()) + " at " + occurredAt, fingerprint, input);
        }
        TenantConfigCheck check = version.get().check();
        if (check instanceof TenantConfigCheck.Unusable unusable) {
            return Verdicts.rejected(event, ErrorCode.TENANT_CONFIG_INVALID, "the SSO configuration of tenant "
                    + SafeText.quote(event.getTenantId()) + " is unusable: " + unusable.reason(), fingerprint, input);
        }
        if (token == null || token.isBlank()) {
            return Verdicts.rejected(event, ErrorCode.MISSING_TOKEN, "the event has no ID token", fingerprint,
                    input);
        }
        TenantConfigCheck.Usable usable = (TenantConfigCheck.Usable) check;
        TokenVerdict tokenVerdict = validator.validate(token, fingerprint, usable.policy(), occurredAt);
        if (tokenVerdict instanceof TokenVerdict.Accepted accepted) {
            return Verdicts.verified(event, accepted, input);
        }
        return Verdicts.rejected(event, (TokenVerdict.Refused) tokenVerdict, input);
    }
}
