package io.identityaudit.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The anomaly detectors' event-time windows and thresholds, in one place. docs/anomalies.md explains each
 * detector and where each default comes from; the origin is repeated here next to the value.
 *
 * @param replayWindow          token replay: window per token fingerprint. 9 minutes: the example
 * @param replayMinSessions     token replay: distinct widget sessions that used one token. 4: the example
 * @param replayMinIps          token replay: distinct client IPs that used one token. 2: the example.
 *                              (The stolen-token condition, a new IP together with another user agent after the
 *                              token was accepted, has no threshold: it follows Panther's "Okta Potentially Stolen
 *                              Session" rule, with the IP in place of Panther's ASN.)
 * @param forgeryWindow         forgery: window per tenant. 10 minutes: chosen, so that a burst is one record
 * @param forgeryBurstPerTenant forgery: attempts per tenant in a window that make it a burst (HIGH). 5: chosen
 * @param forgeryBurstPerIp     forgery: attempts from one client IP at one tenant that make it a burst. 3: chosen
 * @param spikeWindow           rejection spike: window per tenant and error code. 5 minutes: chosen, a common
 *                              alert evaluation period
 * @param spikeBaselineWindows  rejection spike: how many preceding windows make the baseline. 12 (one hour of
 *                              5-minute windows): chosen
 * @param spikeMinVolume        rejection spike: the fewest rejections that can be a spike, so quiet tenants do
 *                              not flap. 20: chosen
 * @param spikeRobustZ          rejection spike: modified z-score (x - median) / (1.4826 MAD) above which a window
 *                              is a spike. 3.5: the outlier cut-off recommended by Iglewicz and Hoaglin for the
 *                              modified z-score
 * @param subjectWindow         subject under attack: window per (tenant, subject). 15 minutes: the example
 * @param subjectMinRejections  subject under attack: rejections for one subject. 10: the example, and the
 *                              number of failed attempts after which Okta's default policy locks an account (as
 *                              Elastic's "Attempts to Brute Force an Okta User Account" rule notes)
 * @param clientWindow          one client, many identities: window per client IP. 5 minutes: Splunk's "Okta
 *                              Multiple Users Failing To Authenticate From Ip"
 * @param clientMinSubjects     distinct rejected subjects from one client IP. 11 ("more than 10"): the same
 *                              Splunk search
 * @param clientMinTenants      distinct tenants at which one client IP was rejected. 3: chosen
 * @param crossTenantWindow     cross-tenant token: window per client ID. 1 hour: chosen, the lifetime of an Okta
 *                              ID token
 * @param jwksWindow            JWKS outage: window per Okta domain. 5 minutes: chosen
 * @param jwksMinFailures       JWKS outage: events whose key set could not be read. 3: chosen, so one dropped
 *                              connection is not an outage
 * @param driftBoundary         clock drift: how close to the boundary (past exp, or before iat) a time rejection
 *                              must be to count. 5 minutes: chosen, five times the default clock skew allowance
 * @param driftWindow           clock drift: window per tenant. 15 minutes: chosen
 * @param driftMinRejections    clock drift: TOKEN_EXPIRED / TOKEN_NOT_YET_VALID rejections per tenant. 10: chosen
 * @param driftMinSubjects      clock drift: distinct subjects among them, so one stale browser tab is not drift.
 *                              3: chosen
 * @param lagThreshold          event-time lag: how far an event's occurredAt may lag behind the newest event
 *                              time already seen on its partition. 10 minutes: chosen
 * @param lagWindow             event-time lag: window per tenant. 10 minutes: chosen
 * @param lagMinEvents          event-time lag: late events per tenant. 5: chosen
 * @param retention             how long a detector keeps state for a key that has gone quiet; must cover the
 *                              longest window. 2 hours
 */
public record AnomalyThresholds(
        Duration replayWindow, int replayMinSessions, int replayMinIps,
        Duration forgeryWindow, int forgeryBurstPerTenant, int forgeryBurstPerIp,
        Duration spikeWindow, int spikeBaselineWindows, int spikeMinVolume, double spikeRobustZ,
        Duration subjectWindow, int subjectMinRejections,
        Duration clientWindow, int clientMinSubjects, int clientMinTenants,
        Duration crossTenantWindow,
        Duration jwksWindow, int jwksMinFailures,
        Duration driftBoundary, Duration driftWindow, int driftMinRejections, int driftMinSubjects,
        Duration lagThreshold, Duration lagWindow, int lagMinEvents,
        Duration retention) {

    public static final AnomalyThresholds DEFAULTS = new AnomalyThresholds(
            Duration.ofMinutes(9), 4, 2,
            Duration.ofMinutes(10), 5, 3,
            Duration.ofMinutes(5), 12, 20, 3.5,
            Duration.ofMinutes(15), 10,
            Duration.ofMinutes(5), 11, 3,
            Duration.ofHours(1),
            Duration.ofMinutes(5), 3,
            Duration.ofMinutes(5), Duration.ofMinutes(15), 10, 3,
            Duration.ofMinutes(10), Duration.ofMinutes(10), 5,
            Duration.ofHours(2));

    public AnomalyThresholds {
        for (Duration window : new Duration[] {replayWindow, forgeryWindow, spikeWindow, subjectWindow,
                clientWindow, crossTenantWindow, jwksWindow, driftBoundary, driftWindow, lagThreshold, lagWindow, retention}) {
            Objects.requireNonNull(window, "window");
            if (window.isNegative() || window.isZero()) {
                throw new IllegalArgumentException("anomaly windows must be positive");
            }
        }
        for (int min : new int[] {replayMinSessions, replayMinIps, forgeryBurstPerTenant, forgeryBurstPerIp,
                spikeBaselineWindows, spikeMinVolume, subjectMinRejections, clientMinSubjects, clientMinTenants,
                jwksMinFailures, driftMinRejections, driftMinSubjects, lagMinEvents}) {
            if (min < 1) {
                throw new IllegalArgumentException("anomaly thresholds must be at least 1");
            }
        }
        if (!(spikeRobustZ > 0)) {
            throw new IllegalArgumentException("spikeRobustZ must be positive");
        }
    }
}
