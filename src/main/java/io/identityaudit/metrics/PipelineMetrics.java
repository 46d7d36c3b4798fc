package io.identityaudit.metrics;

import io.identityaudit.anomaly.AnomalyListener;
import io.identityaudit.avro.AnomalyKind;
import io.identityaudit.avro.AnomalySeverity;
import io.identityaudit.avro.SecurityAnomaly;
import io.identityaudit.avro.TenantSsoConfig;
import io.identityaudit.config.DomainPolicy;
import io.identityaudit.config.TenantConfigCheck;
import io.identityaudit.jwks.JwksFailure;
import io.identityaudit.jwks.JwksListener;
import io.identityaudit.jwks.KeyLookup;
import io.identityaudit.token.ErrorCode;
import io.identityaudit.topology.TenantConfigListener;
import io.identityaudit.topology.Verdict;
import io.identityaudit.topology.VerdictListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline's own meters, named in Prometheus convention (documented in docs/metrics.md). Every label value
 * comes from a bounded set: outcomes, error codes, configured tenants (capped), configured domains, failure
 * causes. None ever comes from a token.
 */
public final class PipelineMetrics implements VerdictListener, TenantConfigListener, JwksListener, AnomalyListener {

    public static final String VALIDATIONS = "identity.validations";
    public static final String VALIDATION_DURATION = "identity.validation.duration";
    public static final String EVENT_TO_VERDICT = "identity.event.to.verdict";
    public static final String JWKS_REQUESTS = "identity.jwks.requests";
    public static final String JWKS_REQUEST_DURATION = "identity.jwks.request.duration";
    public static final String JWKS_LOOKUPS = "identity.jwks.lookups";
    public static final String JWKS_KEYS = "identity.jwks.keys";
    public static final String JWKS_LAST_SUCCESS_AGE = "identity.jwks.last.success.age";
    public static final String TENANT_CONFIGS = "identity.tenant.configs";
    public static final String RETRIES = "identity.retries.scheduled";
    public static final String TENANT_CONFIG_RECORDS = "identity.tenant.config.records";
    public static final String ANOMALIES = "identity.anomalies";

    /** The {@code code} label of a verified identity. */
    public static final String NO_ERROR = "none";

    /** Codes whose tenant label is unknown: the event named no configured tenant, or none could be read. */
    private static final Set<ErrorCode> TENANT_NOT_KNOWN = EnumSet.of(ErrorCode.UNKNOWN_TENANT, ErrorCode.MALFORMED_EVENT);

    private final MeterRegistry registry;
    private final TenantLabels tenantLabels;
    private final DomainPolicy domainPolicy;
    private final Clock clock;
    private final Map<String, Instant> lastKeySetRead = new ConcurrentHashMap<>();
    private final Map<String, TenantState> tenantStates = new ConcurrentHashMap<>();
    private final Map<String, Integer> keysByDomain = new ConcurrentHashMap<>();
    private final Set<String> domainsWithGauges = ConcurrentHashMap.newKeySet();
    private final Timer validationVerified;
    private final Timer validationRejected;
    private final Timer eventToVerdict;
    private final Counter retriesScheduled;
    /**
     * The {@value #VALIDATIONS} counters already registered, by tenant label (verified) and by error code and
     * tenant label (rejected): building a meter id and looking it up in the registry for every verdict cost more
     * than the rest of the bookkeeping. Bounded as the labels are: codes by the enum, tenants by TenantLabels.
     */
    private final Map<String, Counter> verifiedByTenant = new ConcurrentHashMap<>();
    /** Domains are those of configured tenants that passed the domain policy: a bounded set. */
    private final Map<String, Counter> foundInCacheByDomain = new ConcurrentHashMap<>();
    private final Map<ErrorCode, Map<String, Counter>> rejectedByCodeAndTenant = new EnumMap<>(ErrorCode.class);

    enum TenantState { ACTIVE, DISABLED, INVALID }

    public PipelineMetrics(MeterRegistry registry, TenantLabels tenantLabels, DomainPolicy domainPolicy,
                           Clock clock) {
        this.registry = registry;
        this.tenantLabels = tenantLabels;
        this.domainPolicy = domainPolicy;
        this.clock = clock;
        this.validationVerified = validationTimer("verified");
        this.validationRejected = validationTimer("rejected");
        this.eventToVerdict = Timer.builder(EVENT_TO_VERDICT)
                .description("Time from the event's occurredAt to its verdict (end-to-end lag)")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofHours(1))
                .register(registry);
        this.retriesScheduled = Counter.builder(RETRIES)
                .description("Events sent to the retry topic because their org's key set could not be read")
                .register(registry);
        for (TenantState state : TenantState.values()) {
            Gauge.builder(TENANT_CONFIGS, tenantStates, states -> states.values().stream().filter(state::equals).count())
                    .description("Tenant SSO configurations currently loaded, by state")
                    .tag("state", state.name().toLowerCase(java.util.Locale.ROOT))
                    .register(registry);
        }
        // Make the zero visible from the start, so rates and alerts have a series to work on.
        for (String result : new String[] {"saved", "removed", "malformed"}) {
            configRecords(result);
        }
        for (AnomalyKind kind : AnomalyKind.values()) {
            for (AnomalySeverity severity : AnomalySeverity.values()) {
                anomalies(kind, severity);
            }
        }
        for (ErrorCode code : ErrorCode.values()) {
            rejectedByCodeAndTenant.put(code, new ConcurrentHashMap<>());
        }
        verified(tenantLabels.unknown());
        for (ErrorCode code : ErrorCode.values()) {
            rejected(code, tenantLabels.unknown());
        }
    }

    private Timer validationTimer(String outcome) {
        return Timer.builder(VALIDATION_DURATION)
                .description("Time to judge one event, JWKS fetches included")
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1).dividedBy(100))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
    }

    @Override
    public void onVerdict(Verdict verdict, long validationNanos) {
        if (verdict instanceof Verdict.Retry) {
            // Not a verdict yet: counted when the event's final verdict comes.
            retriesScheduled.increment();
            return;
        }
        if (verdict instanceof Verdict.Verified verified) {
            verified(tenantLabels.of(verified.identity().getTenantId())).increment();
            validationVerified.record(validationNanos, TimeUnit.NANOSECONDS);
        } else {
            Verdict.Rejected rejected = (Verdict.Rejected) verdict;
            ErrorCode code = ErrorCode.valueOf(rejected.rejection().getErrorCode());
            String tenant = TENANT_NOT_KNOWN.contains(code)
                    ? tenantLabels.unknown()
                    : tenantLabels.of(rejected.rejection().getTenantId());
            rejected(code, tenant).increment();
            validationRejected.record(validationNanos, TimeUnit.NANOSECONDS);
        }
        Duration lag = Duration.between(verdict.timestamp(), clock.instant());
        eventToVerdict.record(lag.isNegative() ? Duration.ZERO : lag);
    }

    private Counter verified(String tenant) {
        Counter counter = verifiedByTenant.get(tenant);
        return counter != null ? counter
                : verifiedByTenant.computeIfAbsent(tenant, label -> counter("verified", NO_ERROR, label));
    }

    private Counter rejected(ErrorCode code, String tenant) {
        Map<String, Counter> byTenant = rejectedByCodeAndTenant.get(code);
        Counter counter = byTenant.get(tenant);
        return counter != null ? counter
                : byTenant.computeIfAbsent(tenant, label -> counter("rejected", code.name(), label));
    }

    private Counter counter(String outcome, String code, String tenant) {
        return Counter.builder(VALIDATIONS)
                .description("Events judged, by outcome, error code and tenant")
                .tag("outcome", outcome)
                .tag("code", code)
                .tag("tenant", tenant)
                .register(registry);
    }

    /**
     * Counted by kind and severity only: the anomaly record names the tenant, and a per-tenant label would
     * multiply 40 series by the number of tenants for a rare event.
     */
    @Override
    public void onAnomaly(SecurityAnomaly anomaly) {
        anomalies(anomaly.getKind(), anomaly.getSeverity()).increment();
    }

    private Counter anomalies(AnomalyKind kind, AnomalySeverity severity) {
        return Counter.builder(ANOMALIES)
                .description("Security anomalies written to the anomalies topic, by kind and severity")
                .tag("kind", kind.name())
                .tag("severity", severity.name())
                .register(registry);
    }

    @Override
    public void onSaved(TenantSsoConfig config) {
        TenantState state = !config.getEnabled() ? TenantState.DISABLED
                : TenantConfigCheck.of(config, domainPolicy) instanceof TenantConfigCheck.Usable
                ? TenantState.ACTIVE : TenantState.INVALID;
        tenantStates.put(config.getTenantId(), state);
        configRecords("saved").increment();
    }

    @Override
    public void onRemoved(String tenantId) {
        tenantStates.remove(tenantId);
        configRecords("removed").increment();
    }

    @Override
    public void onMalformed(String tenantId) {
        configRecords("malformed").increment();
    }

    private Counter configRecords(String result) {
        return Counter.builder(TENANT_CONFIG_RECORDS)
                .description("Tenant config records read, by result")
                .tag("result", result)
                .register(registry);
    }

    @Override
    public void onRequest(String domain, Duration took, JwksFailure failure) {
        registerDomainGauges(domain);
        Counter.builder(JWKS_REQUESTS)
                .description("HTTPS requests for an org's key set, by result and failure cause")
                .tag("domain", domain)
                .tag("result", failure == null ? "ok" : "error")
                .tag("cause", failure == null ? "none" : failure.label())
                .register(registry)
                .increment();
        Timer.builder(JWKS_REQUEST_DURATION)
                .description("Duration of one HTTPS request for an org's key set")
                .tag("domain", domain)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry)
                .record(took);
    }

    @Override
    public void onLookup(String domain, KeyLookup result, boolean cacheHit) {
        String outcome = result instanceof KeyLookup.Found ? "found"
                : result instanceof KeyLookup.UnknownKeyId ? "unknown_kid" : "fetch_failed";
        if (outcome.equals("found") && cacheHit) {
            // Nearly every event's lookup: kept, not looked up in the registry each time.
            foundInCacheByDomain.computeIfAbsent(domain, d -> lookups(d, "found", true)).increment();
        } else {
            lookups(domain, outcome, cacheHit).increment();
        }
    }

    private Counter lookups(String domain, String outcome, boolean cacheHit) {
        return Counter.builder(JWKS_LOOKUPS)
                .description("Signing key lookups, by result and whether the cached key set answered")
                .tag("domain", domain)
                .tag("result", outcome)
                .tag("cache", cacheHit ? "hit" : "miss")
                .register(registry);
    }

    @Override
    public void onKeySetRead(String domain, int keyCount) {
        registerDomainGauges(domain);
        keysByDomain.put(domain, keyCount);
        lastKeySetRead.put(domain, clock.instant());
    }

    private void registerDomainGauges(String domain) {
        if (!domainsWithGauges.add(domain)) {
            return;
        }
        Gauge.builder(JWKS_KEYS, keysByDomain, keys -> keys.getOrDefault(domain, 0))
                .description("Signing keys in the org's cached key set")
                .tag("domain", domain)
                .register(registry);
        Gauge.builder(JWKS_LAST_SUCCESS_AGE, this, metrics -> metrics.secondsSinceKeySetRead(domain))
                .description("Seconds since the org's key set was last read successfully (NaN: never)")
                .tag("domain", domain)
                .baseUnit("seconds")
                .register(registry);
    }

    private double secondsSinceKeySetRead(String domain) {
        Instant read = lastKeySetRead.get(domain);
        return read == null ? Double.NaN : Duration.between(read, clock.instant()).toMillis() / 1000.0;
    }
}
