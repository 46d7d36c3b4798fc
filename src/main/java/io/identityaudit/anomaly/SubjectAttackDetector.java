package io.identityaudit.anomaly;

import io.identityaudit.avro.AnomalyKind;
import io.identityaudit.avro.AnomalySeverity;
import io.identityaudit.avro.AnomalySignal;
import io.identityaudit.config.AnomalyThresholds;
import io.identityaudit.token.ErrorCode;
import java.time.Duration;
import java.util.List;

/**
 * Subject under attack, per tenant and (hashed) subject: many rejected tokens that claim one user (MEDIUM), and
 * once that happened, a token for the same user that is accepted in the same window (HIGH, a second record).
 */
final class SubjectAttackDetector implements Detector {

    private final AnomalyThresholds thresholds;

    SubjectAttackDetector(AnomalyThresholds thresholds) {
        this.thresholds = thresholds;
    }

    @Override
    public String name() {
        return "subject-attack";
    }

    @Override
    public AnomalyKind kind() {
        return AnomalyKind.SUBJECT_UNDER_ATTACK;
    }

    @Override
    public Duration window() {
        return thresholds.subjectWindow();
    }

    @Override
    public List<AnomalySignal> signals(VerdictFacts facts) {
        // A genuine token refused only for its time claims is the user's own stale token, not an attack.
        if (facts.subject() == null || facts.domain() == null || facts.rejectedWith(
                ErrorCode.TOKEN_EXPIRED.name(), ErrorCode.TOKEN_NOT_YET_VALID.name(),
                ErrorCode.JWKS_FETCH_FAILED.name())) {
            return List.of();
        }
        return List.of(facts.signal(this, facts.subjectHash()).build());
    }

    /**
     * Rejections are counted one by one. An accepted token matters only the first time in the window: what the
     * HIGH stage looks for is a token accepted after the attack, and a token accepted before it began is the
     * user's own session going on. So the other events of a session (about nine in ten accepted events) are not
     * sent through the repartition.
     */
    @Override
    public String repeatKey(VerdictFacts facts) {
        // A token names one subject, so within a tenant its fingerprint stands for the subject too.
        return facts.accepted() ? facts.tenantId() + '|' + facts.fingerprint() : null;
    }

    @Override
    public List<Finding> observe(AnomalySignal signal, Tally tally) {
        if (signal.getErrorCode() == null) {
            if (!tally.emitted.contains("attack")) {
                return List.of();
            }
            int rejections = tally.count("rejections");
            return List.of(new Finding(kind(), "accepted-after", signal.getTenantId(), AnomalySeverity.HIGH,
                    rejections, null, thresholds.subjectMinRejections(), "a token for the user was accepted after "
                    + rejections + " rejected tokens claimed the same user in the window"));
        }
        int rejections = tally.increment("rejections");
        int ips = tally.addDistinct("ip", signal.getClientIp());
        if (rejections < thresholds.subjectMinRejections()) {
            return List.of();
        }
        return List.of(new Finding(kind(), "attack", signal.getTenantId(), AnomalySeverity.MEDIUM, rejections, null,
                thresholds.subjectMinRejections(), rejections + " rejected tokens claimed the same user in the window, "
                + "from " + ips + " client IP(s)"));
    }
}
