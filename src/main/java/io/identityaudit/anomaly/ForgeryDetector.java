package io.identityaudit.anomaly;

import io.identityaudit.avro.AnomalyKind;
import io.identityaudit.avro.AnomalySeverity;
import io.identityaudit.avro.AnomalySignal;
import io.identityaudit.config.AnomalyThresholds;
import io.identityaudit.token.ErrorCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Forgery attempts, per tenant: a token that claims the tenant's own issuer but is refused with
 * INVALID_SIGNATURE, UNSUPPORTED_ALGORITHM or UNKNOWN_SIGNING_KEY. The first attempt in a window is recorded at
 * once (MEDIUM); a burst, from the tenant as a whole or from one client IP, is recorded again (HIGH).
 *
 * <p>A key rotation is not forgery: a genuine token whose key the org has since retired is refused with
 * UNKNOWN_SIGNING_KEY, but its key id is one the tenant's genuine tokens were verified with before; such refusals
 * are counted as rotation, not as forgery. A JWKS outage gives JWKS_FETCH_FAILED, never one of these codes.
 */
final class ForgeryDetector implements Detector {

    private static final List<String> FORGERY_CODES = List.of(ErrorCode.INVALID_SIGNATURE.name(),
            ErrorCode.UNSUPPORTED_ALGORITHM.name(), ErrorCode.UNKNOWN_SIGNING_KEY.name());
    private static final String KNOWN_KEYS = "knownKeys";

    private final AnomalyThresholds thresholds;

    ForgeryDetector(AnomalyThresholds thresholds) {
        this.thresholds = thresholds;
    }

    @Override
    public String name() {
        return "forgery";
    }

    @Override
    public AnomalyKind kind() {
        return AnomalyKind.FORGERY_ATTEMPT;
    }

    @Override
    public Duration window() {
        return thresholds.forgeryWindow();
    }

    @Override
    public boolean countsAccepted() {
        return false;
    }

    @Override
    public List<AnomalySignal> signals(VerdictFacts facts) {
        if (facts.tenantId() == null) {
            return List.of();
        }
        boolean forgery = facts.claimsTenantIssuer() && facts.rejectedWith(FORGERY_CODES.toArray(String[]::new));
        boolean keyLearned = facts.accepted() && facts.newKeyForTenant();
        return forgery || keyLearned ? List.of(facts.signal(this, "tenant:" + facts.tenantId()).build()) : List.of();
    }

    @Override
    public List<Finding> observe(AnomalySignal signal, Tally tally) {
        if (signal.getErrorCode() == null) {
            if (signal.getKeyId() != null) {
                tally.carry(KNOWN_KEYS, signal.getKeyId());
            }
            return List.of();
        }
        if (ErrorCode.UNKNOWN_SIGNING_KEY.name().equals(signal.getErrorCode()) && signal.getKeyId() != null
                && tally.carries(KNOWN_KEYS, signal.getKeyId())) {
            tally.increment("retiredKey");
            return List.of();
        }
        int attempts = tally.increment("attempts");
        int fromIp = signal.getClientIp() == null ? 0 : tally.increment("ip:" + signal.getClientIp());
        tally.addDistinct("code", signal.getErrorCode());
        List<Finding> findings = new ArrayList<>();
        findings.add(new Finding(kind(), "first", signal.getTenantId(), AnomalySeverity.MEDIUM, attempts, null, 1,
                "a token claiming the tenant's issuer was refused with " + signal.getErrorCode()));
        boolean tenantBurst = attempts >= thresholds.forgeryBurstPerTenant();
        boolean ipBurst = fromIp >= thresholds.forgeryBurstPerIp();
        if (tenantBurst || ipBurst) {
            findings.add(new Finding(kind(), "burst", signal.getTenantId(), AnomalySeverity.HIGH,
                    tenantBurst ? attempts : fromIp, null,
                    tenantBurst ? thresholds.forgeryBurstPerTenant() : thresholds.forgeryBurstPerIp(),
                    tenantBurst
                            ? attempts + " forged tokens claimed the tenant's issuer in the window"
                            : fromIp + " forged tokens came from one client IP in the window"));
        }
        return findings;
    }
}
