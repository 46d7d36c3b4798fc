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
 * Cross-tenant token, per client ID: a token whose audience is the Okta app of one tenant (learnt from that
 * tenant's genuine tokens) presented at another tenant and refused there for its issuer or audience.
 */
final class CrossTenantDetector implements Detector {

    private static final String OWNERS = "owners";
    private static final int MAX_AUDIENCES = 3;

    private final AnomalyThresholds thresholds;

    CrossTenantDetector(AnomalyThresholds thresholds) {
        this.thresholds = thresholds;
    }

    @Override
    public String name() {
        return "cross-tenant";
    }

    @Override
    public AnomalyKind kind() {
        return AnomalyKind.CROSS_TENANT_TOKEN;
    }

    @Override
    public Duration window() {
        return thresholds.crossTenantWindow();
    }

    @Override
    public boolean countsAccepted() {
        return false;
    }

    @Override
    public List<AnomalySignal> signals(VerdictFacts facts) {
        if (facts.tenantId() == null || facts.domain() == null) {
            return List.of();
        }
        if (facts.accepted()) {
            return facts.newClientForTenant()
                    ? List.of(facts.signal(this, "client:" + facts.tenantClientId()).build())
                    : List.of();
        }
        if (!facts.rejectedWith(ErrorCode.INVALID_AUDIENCE.name(), ErrorCode.INVALID_ISSUER.name())
                || facts.audience() == null) {
            return List.of();
        }
        List<AnomalySignal> signals = new ArrayList<>();
        for (String clientId : facts.audience().subList(0, Math.min(MAX_AUDIENCES, facts.audience().size()))) {
            if (!clientId.equals(facts.tenantClientId())) {
                signals.add(facts.signal(this, "client:" + clientId).build());
            }
        }
        return signals;
    }

    @Override
    public List<Finding> observe(AnomalySignal signal, Tally tally) {
        if (signal.getErrorCode() == null) {
            tally.carry(OWNERS, signal.getTenantId());
            return List.of();
        }
        if (tally.carried.getOrDefault(OWNERS, java.util.Set.of()).isEmpty()
                || tally.carries(OWNERS, signal.getTenantId())) {
            return List.of();
        }
        int presented = tally.increment("at:" + signal.getTenantId());
        String owners = String.join(", ", tally.carried.get(OWNERS));
        return List.of(new Finding(kind(), "at:" + signal.getTenantId(), signal.getTenantId(), AnomalySeverity.HIGH,
                presented, null, 1, "a token for the Okta app of tenant(s) " + owners + " was presented at tenant "
                + signal.getTenantId()));
    }
}
