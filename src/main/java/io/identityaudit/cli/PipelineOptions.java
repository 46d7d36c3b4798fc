package io.identityaudit.cli;

import io.identityaudit.config.DomainPolicy;
import io.identityaudit.config.JwksSettings;
import io.identityaudit.config.PipelineSettings;
import io.identityaudit.config.RetryPolicy;
import io.identityaudit.config.TokenRules;
import io.identityaudit.config.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import picocli.CommandLine.Option;

/** The options that shape validation: shared by run, demo, tenants, test-connection and explain-token. */
public final class PipelineOptions {

    @Option(names = "--events-topic", paramLabel = "TOPIC", description = "Input topic of widget session events (default: ${DEFAULT-VALUE}).")
    String eventsTopic;

    @Option(names = "--tenant-configs-topic", paramLabel = "TOPIC", description = "Compacted topic of tenant SSO configs (default: ${DEFAULT-VALUE}).")
    String tenantConfigsTopic;

    @Option(names = "--verified-topic", paramLabel = "TOPIC", description = "Output topic of verified identities (default: ${DEFAULT-VALUE}).")
    String verifiedTopic;

    @Option(names = "--rejected-topic", paramLabel = "TOPIC", description = "Output topic of rejections (default: ${DEFAULT-VALUE}).")
    String rejectedTopic;

    @Option(names = "--retry-topic", paramLabel = "TOPIC", description = "Internal topic of events waiting to be judged again after a JWKS fetch failure (default: ${DEFAULT-VALUE}).")
    String retryTopic;

    @Option(names = "--anomalies-topic", paramLabel = "TOPIC", description = "Output topic of security anomalies (default: ${DEFAULT-VALUE}).")
    String anomaliesTopic;

    @Option(names = "--config-changes-topic", paramLabel = "TOPIC", description = "Output topic of the tenant config audit trail (default: ${DEFAULT-VALUE}).")
    String configChangesTopic;

    @Option(names = "--retry-max-attempts", paramLabel = "N",
            description = "Tries in all for an event whose org's key set cannot be read; 1 turns retries off (default: ${DEFAULT-VALUE}).")
    int retryMaxAttempts;

    @Option(names = "--retry-backoff", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Wait before the first retry; it doubles per try (default: ${DEFAULT-VALUE}).")
    Duration retryBackoff;

    @Option(names = "--retry-max-backoff", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Longest wait between two tries (default: ${DEFAULT-VALUE}).")
    Duration retryMaxBackoff;

    @Option(names = "--clock-skew", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Leeway for exp, iat and nbf (default: ${DEFAULT-VALUE}).")
    Duration clockSkew;

    @Option(names = "--max-token-chars", paramLabel = "N", description = "Longer tokens are MALFORMED_TOKEN (default: ${DEFAULT-VALUE}).")
    int maxTokenChars;

    @Option(names = "--custom-domain", paramLabel = "HOST[:PORT]", split = ",",
            description = "Allow this custom Okta URL domain besides *.okta.com, *.oktapreview.com, *.okta-emea.com, *.okta-gov.com and *.okta.mil. Repeatable or comma-separated.")
    List<String> customDomains = new ArrayList<>();

    @Option(names = "--jwks-connect-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Connect timeout of a JWKS request (default: ${DEFAULT-VALUE}).")
    Duration jwksConnectTimeout;

    @Option(names = "--jwks-read-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Read timeout of a JWKS request (default: ${DEFAULT-VALUE}).")
    Duration jwksReadTimeout;

    @Option(names = "--jwks-size-limit", paramLabel = "BYTES", description = "Largest JWKS document accepted (default: ${DEFAULT-VALUE}).")
    int jwksSizeLimit;

    @Option(names = "--jwks-cache-ttl", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long a fetched key set is used before it is fetched again (default: ${DEFAULT-VALUE}).")
    Duration jwksCacheTtl;

    @Option(names = "--jwks-refresh-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long a thread waits for a refresh another thread started (default: ${DEFAULT-VALUE}).")
    Duration jwksRefreshTimeout;

    @Option(names = "--jwks-rate-limit", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Minimum interval between refreshes for unknown key ids (default: ${DEFAULT-VALUE}).")
    Duration jwksRateLimit;

    @Option(names = "--jwks-outage-tolerance", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long the last good key set serves while the endpoint fails (default: ${DEFAULT-VALUE}).")
    Duration jwksOutageTolerance;

    @Option(names = "--jwks-ca-file", paramLabel = "PEM",
            description = "Also trust the CA certificate(s) in this PEM file for JWKS requests, besides the JVM's trust store (e.g. a TLS-inspecting proxy).")
    Path jwksCaFile;

    @Option(names = "--tenant-config-history", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long superseded tenant configs are kept for replays (default: ${DEFAULT-VALUE}).")
    Duration tenantConfigHistory;

    public Topics topics() {
        return new Topics(eventsTopic, tenantConfigsTopic, verifiedTopic, rejectedTopic, retryTopic, anomaliesTopic,
                configChangesTopic);
    }

    public PipelineSettings settings() {
        return settings(Set.of());
    }

    /** The settings, with extra custom domains allowed (the demo allows its simulated org). */
    public PipelineSettings settings(Set<String> extraCustomDomains) {
        Set<String> domains = new LinkedHashSet<>(customDomains);
        domains.addAll(extraCustomDomains);
        return new PipelineSettings(
                topics(),
                new TokenRules(clockSkew, maxTokenChars, TokenRules.DEFAULTS.acceptedAlgorithms()),
                new JwksSettings(jwksConnectTimeout, jwksReadTimeout, jwksSizeLimit, jwksCacheTtl,
                        jwksRefreshTimeout, jwksRateLimit, jwksOutageTolerance),
                new DomainPolicy(domains),
                tenantConfigHistory,
                new RetryPolicy(retryMaxAttempts, retryBackoff, retryMaxBackoff));
    }

    /** TLS trust for JWKS requests: the JVM's (null), or the JVM's plus the CA file. */
    public SSLSocketFactory jwksTrust() throws IOException, GeneralSecurityException {
        if (jwksCaFile == null) {
            return null;
        }
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        TrustManagerFactory jvmDefaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        jvmDefaults.init((KeyStore) null);
        int index = 0;
        for (var manager : jvmDefaults.getTrustManagers()) {
            if (manager instanceof javax.net.ssl.X509TrustManager x509) {
                for (X509Certificate ca : x509.getAcceptedIssuers()) {
                    trust.setCertificateEntry("jvm-" + index++, ca);
                }
            }
        }
        try (InputStream pem = Files.newInputStream(jwksCaFile)) {
            for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(pem)) {
                trust.setCertificateEntry("extra-" + index++, certificate);
            }
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context.getSocketFactory();
    }
}
