package io.identityaudit.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Everything the topology needs to know that is not code: topic names, token rules, JWKS behaviour, the domain
 * policy and how far back tenant configuration history is kept. Defaults are the documented ones.
 *
 * @param tenantConfigHistory how long superseded tenant configs are kept so that a replayed event is judged by
 *                            the config in effect when it occurred; an event older than this window (measured
 *                            from the newest config change) finds no config and is rejected as UNKNOWN_TENANT
 * @param anomalies           the anomaly detectors' windows and thresholds (docs/anomalies.md)
 */
public record PipelineSettings(
        Topics topics,
        TokenRules tokenRules,
        JwksSettings jwks,
        DomainPolicy domainPolicy,
        Duration tenantConfigHistory,
        RetryPolicy retryPolicy,
        AnomalyThresholds anomalies) {

    public static final PipelineSettings DEFAULTS = new PipelineSettings(Topics.DEFAULTS, TokenRules.DEFAULTS,
            JwksSettings.DEFAULTS, DomainPolicy.OKTA_ONLY, Duration.ofDays(365), RetryPolicy.DEFAULTS,
            AnomalyThresholds.DEFAULTS);

    /** With the default anomaly thresholds. */
    public PipelineSettings(Topics topics, TokenRules tokenRules, JwksSettings jwks, DomainPolicy domainPolicy,
                            Duration tenantConfigHistory, RetryPolicy retryPolicy) {
        this(topics, tokenRules, jwks, domainPolicy, tenantConfigHistory, retryPolicy, AnomalyThresholds.DEFAULTS);
    }

    public PipelineSettings {
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(tokenRules, "tokenRules");
        Objects.requireNonNull(jwks, "jwks");
        Objects.requireNonNull(domainPolicy, "domainPolicy");
        Objects.requireNonNull(tenantConfigHistory, "tenantConfigHistory");
        Objects.requireNonNull(retryPolicy, "retryPolicy");
        Objects.requireNonNull(anomalies, "anomalies");
    }

    public PipelineSettings withTopics(Topics newTopics) {
        return new PipelineSettings(newTopics, tokenRules, jwks, domainPolicy, tenantConfigHistory, retryPolicy,
                anomalies);
    }

    public PipelineSettings withTokenRules(TokenRules newRules) {
        return new PipelineSettings(topics, newRules, jwks, domainPolicy, tenantConfigHistory, retryPolicy,
                anomalies);
    }

    public PipelineSettings withJwks(JwksSettings newJwks) {
        return new PipelineSettings(topics, tokenRules, newJwks, domainPolicy, tenantConfigHistory, retryPolicy,
                anomalies);
    }

    public PipelineSettings withRetryPolicy(RetryPolicy newPolicy) {
        return new PipelineSettings(topics, tokenRules, jwks, domainPolicy, tenantConfigHistory, newPolicy,
                anomalies);
    }

    public PipelineSettings withAnomalies(AnomalyThresholds newThresholds) {
        return new PipelineSettings(topics, tokenRules, jwks, domainPolicy, tenantConfigHistory, retryPolicy,
                newThresholds);
    }

    public PipelineSettings withDomainPolicy(DomainPolicy newPolicy) {
        return new PipelineSettings(topics, tokenRules, jwks, newPolicy, tenantConfigHistory, retryPolicy,
                anomalies);
    }
}
