package io.identityaudit.anomaly;

import io.identityaudit.avro.AnomalyKind;
import io.identityaudit.avro.AnomalySeverity;
import io.identityaudit.avro.AnomalySignal;
import io.identityaudit.config.AnomalyThresholds;
import io.identityaudit.token.ErrorCode;
import java.time.Duration;
import java.util.List;

/**
 * One client, many identities, per client IP: rejected tokens for many distinct subjects (credential stuffing) or
 * at many distinct tenants (tenant enumeration). HIGH when both.
 */
final class ClientManyIdentitiesDetector implements Detector {

    private final AnomalyThresholds thresholds;

    ClientManyIdentitiesDetector(AnomalyThresholds thresholds) {
        this.thresholds = thresholds;
    }

    @Override
    public String name() {
        return "client-identities";
    }

    @Override
    public AnomalyKind kind() {
        return AnomalyKind.CLIENT_MANY_IDENTITIES;
    }

    @Override
    public Duration window() {
        return thresholds.clientWindow();
    }

    @Override
    public List<AnomalySignal> signals(VerdictFacts facts) {
        if (facts.accepted() || facts.clientIp() == null || facts.tenantId() == null
                || facts.rejectedWith(ErrorCode.JWKS_FETCH_FAILED.name(), ErrorCode.INTERNAL_ERROR.name())) {
            return List.of();
        }
        return List.of(facts.signal(this, "ip:" + facts.clientIp()).build());
    }

    /**
     * {@link #observe} reads only which subjects and tenants the IP was rejected for: the same user at the same
     * tenant again tells it nothing, and a session's ten rejected events send one signal, not ten.
     */
    @Override
    public String repeatKey(VerdictFacts facts) {
        return facts.clientIp() + '|' + facts.tenantId() + '|' + facts.subjectHash();
    }

    @Override
    public List<Finding> observe(AnomalySignal signal, Tally tally) {
        int subjects = tally.addDistinct("subject", signal.getSubjectHash());
        int tenants = tally.addDistinct("tenant", signal.getTenantId());
        boolean manySubjects = subjects >= thresholds.clientMinSubjects();
        boolean manyTenants = tenants >= thresholds.clientMinTenants();
        if (!manySubjects && !manyTenants) {
            return List.of();
        }
        AnomalySeverity severity = manySubjects && manyTenants ? AnomalySeverity.HIGH : AnomalySeverity.MEDIUM;
        return List.of(new Finding(kind(), "identities", null, severity, manySubjects ? subjects : tenants, null,
                manySubjects ? thresholds.clientMinSubjects() : thresholds.clientMinTenants(),
                "one client IP was rejected for " + subjects + " distinct subjects at " + tenants
                        + " distinct tenants in the window"));
    }
}
