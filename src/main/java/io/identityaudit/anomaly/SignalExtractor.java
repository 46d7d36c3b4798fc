package io.identityaudit.anomaly;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.identityaudit.avro.AnomalySignal;
import io.identityaudit.avro.IdentityRejection;
import io.identityaudit.avro.TenantSsoConfig;
import io.identityaudit.avro.VerifiedIdentity;
import io.identityaudit.avro.WidgetSessionEvent;
import io.identityaudit.config.DomainPolicy;
import io.identityaudit.serde.Contracts;
import io.identityaudit.serde.MalformedRecordException;
import io.identityaudit.token.ErrorCode;
import io.identityaudit.topology.TenantConfigChanges;
import io.identityaudit.topology.TenantDirectory;
import io.identityaudit.topology.Verdict;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Turns each verdict into the signals the detectors need, keyed {@code detector|groupKey} for the repartition that
 * groups them. Reads the tenant's configuration as of the event from the global store (the domain and client ID
 * the verdict was judged against), and remembers per partition which key ids and client IDs genuine tokens of a
 * tenant used, so the detectors learn them from one signal each, not from every verified event.
 */
public final class SignalExtractor implements Processor<String, Verdict, String, AnomalySignal> {

    public static final String LEARNT_STORE = "anomaly-learnt";
    /** About a window's worth of sessions per task at a few thousand events per second. */
    private static final int RECENTLY_SENT = 100_000;
    /** Far more than configured tenants have keys and clients; past it the memory starts over from the store. */
    private static final int MAX_LEARNT_IN_MEMORY = 100_000;

    private final String tenantStoreName;
    private final TenantConfigChanges tenantChanges;
    private final DomainPolicy domainPolicy;
    private final String retryTopic;
    private final List<Detector> detectors;
    private final Duration relearnAfter;
    private ProcessorContext<String, AnomalySignal> context;
    private TenantDirectory tenants;
    private KeyValueStore<String, Long> learnt;
    /**
     * Signals recently sent that a detector would learn nothing new from again ({@link Detector#repeatKey}). Not
     * changelogged on purpose: after a restart a repeat may be sent once more, which changes no detector's state.
     */
    private final Cache<String, Boolean> recentlySent = Caffeine.newBuilder()
            .maximumSize(RECENTLY_SENT)
            .executor(Runnable::run)
            .build();

    /**
     * What this processor put in {@link #LEARNT_STORE}, which only it writes for its task: asked every verified
     * event, answered without the store. Facts are keys and clients of configured tenants, so few.
     */
    private final Map<String, Long> learntHere = new HashMap<>();

    SignalExtractor(String tenantStoreName, TenantConfigChanges tenantChanges, DomainPolicy domainPolicy,
                    String retryTopic, List<Detector> detectors, Duration retention) {
        this.tenantStoreName = tenantStoreName;
        this.tenantChanges = tenantChanges;
        this.domainPolicy = domainPolicy;
        this.retryTopic = retryTopic;
        this.detectors = detectors;
        this.relearnAfter = retention.dividedBy(2);
    }

    @Override
    public void init(ProcessorContext<String, AnomalySignal> context) {
        this.context = context;
        this.tenants = new TenantDirectory(context.getStateStore(tenantStoreName), tenantChanges, domainPolicy);
        this.learnt = context.getStateStore(LEARNT_STORE);
        // init runs again when a task is revived after its state was wiped (exactly-once, task corrupted): what
        // this instance remembers may then be ahead of the restored store, and would keep signals from being sent.
        recentlySent.invalidateAll();
        learntHere.clear();
    }

    @Override
    public void process(Record<String, Verdict> record) {
        VerdictFacts facts;
        try {
            facts = facts(record.value());
        } catch (MalformedRecordException e) {
            return;
        }
        if (facts == null) {
            return;
        }
        for (Detector detector : detectors) {
            String repeat = repeatOf(detector, facts);
            if (repeat != null && recentlySent.getIfPresent(repeat) != null) {
                continue;
            }
            List<AnomalySignal> signals = detector.signals(facts);
            if (repeat != null && !signals.isEmpty()) {
                recentlySent.put(repeat, Boolean.TRUE);
            }
            for (AnomalySignal signal : signals) {
                context.forward(new Record<>(detector.name() + "|" + signal.getGroupKey(), signal,
                        signal.getOccurredAt().toEpochMilli(), new RecordHeaders()));
            }
        }
    }

    /** The detector's repeat key in the verdict's window, or null when every signal of the detector counts. */
    private static String repeatOf(Detector detector, VerdictFacts facts) {
        String repeatKey = detector.repeatKey(facts);
        if (repeatKey == null) {
            return null;
        }
        long window = Math.floorDiv(facts.occurredAt().toEpochMilli(), detector.window().toMillis());
        return detector.name() + '|' + window + '|' + repeatKey;
    }

    private VerdictFacts facts(Verdict verdict) {
        if (verdict instanceof Verdict.Verified verified) {
            VerifiedIdentity id = verified.identity();
            return facts(id.getEventId(), id.getTenantId(), id.getSessionId(), id.getReferenceTime(), null,
                    id.getClientIp(), id.getUserAgent(), id.getTokenFingerprint(), id.getSubject(),
                    id.getSigningKeyId(), id.getIssuer(), id.getAudience(), null);
        }
        if (verdict instanceof Verdict.Rejected rejected) {
            IdentityRejection r = rejected.rejection();
            if (r.getEventId() == null || r.getTenantId() == null) {
                return null;
            }
            Instant occurredAt = r.getReferenceTime() == null ? verdict.timestamp() : r.getReferenceTime();
            return facts(r.getEventId(), r.getTenantId(), r.getSessionId(), occurredAt, r.getErrorCode(),
                    r.getClientIp(), r.getUserAgent(), r.getTokenFingerprint(), r.getUnverifiedSubject(),
                    r.getTokenKeyId(), r.getUnverifiedIssuer(), r.getUnverifiedAudience(), pastBoundary(r, occurredAt));
        }
        // A retry: the event waits for its org's key set. Only the JWKS outage detector cares, and only for the
        // event's identity and tenant; the token it carries is not looked at.
        ByteBuffer bytes = ((Verdict.Retry) verdict).retry().getEvent().duplicate();
        byte[] copy = new byte[bytes.remaining()];
        bytes.get(copy);
        WidgetSessionEvent event = Contracts.SESSION_EVENT.decode(copy);
        return facts(event.getEventId(), event.getTenantId(), event.getSessionId(), event.getOccurredAt(),
                ErrorCode.JWKS_FETCH_FAILED.name(), event.getClientIp(), event.getUserAgent(), null, null, null,
                null, null, null);
    }

    private VerdictFacts facts(String eventId, String tenantId, String sessionId, Instant occurredAt,
                               String errorCode, String clientIp, String userAgent, String fingerprint,
                               String subject, String keyId, String issuer, List<String> audience,
                               Duration pastBoundary) {
        Optional<TenantSsoConfig> config = tenants.asOf(tenantId, occurredAt).map(TenantDirectory.Version::config);
        String domain = config.map(TenantSsoConfig::getDomain).orElse(null);
        String clientId = config.map(TenantSsoConfig::getClientId).orElse(null);
        boolean claimsTenantIssuer = domain != null && ("https://" + domain).equals(issuer);
        boolean accepted = errorCode == null;
        boolean newKey = accepted && keyId != null && learn("kid|" + tenantId + "|" + keyId, occurredAt);
        boolean newClient = accepted && clientId != null && learn("client|" + tenantId + "|" + clientId, occurredAt);
        boolean fromRetry = context.recordMetadata().map(m -> retryTopic.equals(m.topic())).orElse(false);
        long streamTime = context.currentStreamTimeMs();
        long lateBy = fromRetry ? 0 : Math.max(0, streamTime - occurredAt.toEpochMilli());
        return new VerdictFacts(eventId, tenantId, sessionId, occurredAt, errorCode, clientIp, userAgent,
                fingerprint, subject, keyId, claimsTenantIssuer, domain, clientId,
                audience, pastBoundary, lateBy, streamTime, newKey, newClient);
    }

    /** How far beyond its time claims a genuine token was refused for them. */
    private static Duration pastBoundary(IdentityRejection rejection, Instant occurredAt) {
        if (ErrorCode.TOKEN_EXPIRED.name().equals(rejection.getErrorCode())
                && rejection.getUnverifiedExpiresAt() != null) {
            return Duration.between(rejection.getUnverifiedExpiresAt(), occurredAt);
        }
        if (ErrorCode.TOKEN_NOT_YET_VALID.name().equals(rejection.getErrorCode())
                && rejection.getUnverifiedIssuedAt() != null) {
            return Duration.between(occurredAt, rejection.getUnverifiedIssuedAt());
        }
        return null;
    }

    /**
     * True when the fact is new on this partition, or was last told longer than half the detectors' retention ago
     * (event time): a detector that dropped a quiet key's state learns it again.
     */
    private boolean learn(String fact, Instant at) {
        Long told = learntHere.get(fact);
        if (told == null) {
            told = learnt.get(fact);
            if (told != null) {
                keepInMemory(fact, told);
            }
        }
        long now = at.toEpochMilli();
        if (told != null && now >= told && now - told < relearnAfter.toMillis()) {
            return false;
        }
        if (told == null || now > told) {
            learnt.put(fact, now);
            keepInMemory(fact, now);
        }
        return told == null || now > told;
    }

    private void keepInMemory(String fact, long told) {
        if (learntHere.size() >= MAX_LEARNT_IN_MEMORY) {
            learntHere.clear();
        }
        learntHere.put(fact, told);
    }
}
