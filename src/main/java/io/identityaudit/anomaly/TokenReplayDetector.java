package io.identityaudit.anomaly;

import io.identityaudit.avro.AnomalyKind;
import io.identityaudit.avro.AnomalySeverity;
import io.identityaudit.avro.AnomalySignal;
import io.identityaudit.config.AnomalyThresholds;
import java.time.Duration;
import java.util.List;

/**
 * Token replay / fan-out, per token fingerprint: one ID token used by several widget sessions from several client
 * IPs, or used from a new IP with a different user agent after it was accepted elsewhere (a stolen token). Higher
 * severity when a script's user agent used it.
 */
final class TokenReplayDetector implements Detector {

    private final AnomalyThresholds thresholds;

    TokenReplayDetector(AnomalyThresholds thresholds) {
        this.thresholds = thresholds;
    }

    @Override
    public String name() {
        return "token-replay";
    }

    @Override
    public AnomalyKind kind() {
        return AnomalyKind.TOKEN_REPLAY;
    }

    @Override
    public Duration window() {
        return thresholds.replayWindow();
    }

    @Override
    public List<AnomalySignal> signals(VerdictFacts facts) {
        if (facts.fingerprint() == null || facts.tenantId() == null || facts.domain() == null) {
            return List.of();
        }
        return List.of(facts.signal(this, "token:" + facts.fingerprint()).build());
    }

    /**
     * The session, IP, user agent and whether it was accepted are all {@link #observe} reads: the other nine
     * events of a session with the same token change nothing, and are not sent through the repartition.
     */
    @Override
    public String repeatKey(VerdictFacts facts) {
        return "token:" + facts.fingerprint() + '|' + facts.sessionId() + '|' + facts.clientIp() + '|'
                + facts.userAgent() + '|' + facts.accepted();
    }

    @Override
    public List<Finding> observe(AnomalySignal signal, Tally tally) {
        int sessions = tally.addDistinct("session", signal.getSessionId());
        int ips = tally.addDistinct("ip", signal.getClientIp());
        tally.addDistinct("ua", signal.getUserAgent());
        if (UserAgents.isScript(signal.getUserAgent())) {
            tally.notes.put("script", "yes");
        }
        String acceptedIp = tally.notes.get("acceptedIp");
        String acceptedUa = tally.notes.get("acceptedUa");
        boolean stolen = acceptedIp != null && signal.getClientIp() != null && signal.getUserAgent() != null
                && !acceptedIp.equals(signal.getClientIp()) && !signal.getUserAgent().equals(acceptedUa);
        if (signal.getErrorCode() == null && acceptedIp == null && signal.getClientIp() != null) {
            tally.notes.put("acceptedIp", signal.getClientIp());
            tally.notes.put("acceptedUa", String.valueOf(signal.getUserAgent()));
        }
        boolean fanOut = sessions >= thresholds.replayMinSessions() && ips >= thresholds.replayMinIps();
        if (!fanOut && !stolen) {
            return List.of();
        }
        boolean script = tally.notes.containsKey("script");
        AnomalySeverity severity = AnomalySeverity.MEDIUM;
        if (stolen) {
            severity = Finding.raise(severity);
        }
        if (script) {
            severity = Finding.raise(severity);
        }
        String detail = (stolen
                ? "the token, accepted from one client, was presented from another IP with another user agent; "
                : "") + "used by " + sessions + " sessions from " + ips + " client IPs"
                + (script ? ", one of them a script's user agent" : "");
        return List.of(new Finding(kind(), "replay", signal.getTenantId(), severity, sessions, null,
                thresholds.replayMinSessions(), detail));
    }
}
