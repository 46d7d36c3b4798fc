package io.identityaudit.connection;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.Resource;
import io.identityaudit.config.JwksSettings;
import io.identityaudit.config.TenantPolicy;
import io.identityaudit.config.TokenRules;
import io.identityaudit.connection.ConnectionReport.Failure;
import io.identityaudit.connection.ConnectionReport.PublishedKey;
import io.identityaudit.connection.ConnectionReport.Step;
import io.identityaudit.token.ErrorCode;
import io.identityaudit.token.SafeText;
import java.io.IOException;
import java.net.URI;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocketFactory;

/**
 * The dashboard's "Test Connection": reads the org's discovery document and key set the way the pipeline reaches
 * the org (same TLS trust, timeouts, size limit, no redirects) and says whether the pipeline could verify its
 * tokens. It takes a {@link TenantPolicy}, so the domain has already passed the domain policy: nothing here is
 * ever asked to call a host the pipeline would not call.
 *
 * <p>Only {@code https://{domain}} is contacted. The discovery document's {@code jwks_uri} is checked, not
 * followed: the pipeline reads keys from {@link TenantPolicy#jwksUri()} whatever discovery says, so that is what
 * is tested.
 */
public final class OrgConnectionCheck {

    static final String DISCOVERY_PATH = "/.well-known/openid-configuration";

    private final NoRedirectHttpsRetriever retriever;
    private final TokenRules rules;

    /** @param sslSocketFactory the pipeline's JWKS trust; null for the JVM's defaults */
    public OrgConnectionCheck(JwksSettings settings, TokenRules rules, SSLSocketFactory sslSocketFactory) {
        this.retriever = new NoRedirectHttpsRetriever(Math.toIntExact(settings.connectTimeout().toMillis()),
                Math.toIntExact(settings.readTimeout().toMillis()), settings.sizeLimitBytes(), sslSocketFactory);
        this.rules = rules;
    }

    public ConnectionReport check(TenantPolicy org) {
        Progress progress = new Progress(org);
        try {
            checkDiscovery(org, progress);
            checkKeys(org, progress);
            return progress.report(null);
        } catch (CheckFailed failed) {
            return progress.report(failed.failure);
        }
    }

    // --- discovery ---------------------------------------------------------------------------------------------

    private void checkDiscovery(TenantPolicy org, Progress progress) {
        URI uri = URI.create(org.issuer() + DISCOVERY_PATH);
        Map<String, Object> discovery = parseObject(fetch("discovery", uri, progress), "discovery", uri, progress);
        Object issuer = discovery.get("issuer");
        if (!org.issuer().equals(issuer)) {
            throw progress.fail("discovery", uri, ErrorCode.INVALID_ISSUER, "the discovery document's issuer is "
                    + SafeText.quote(issuer) + ", expected '" + org.issuer() + "' exactly: tokens of this org would "
                    + "carry that iss and be refused");
        }
        if (!(discovery.get("jwks_uri") instanceof String jwksUri)) {
            throw progress.fail("discovery", uri, ErrorCode.JWKS_FETCH_FAILED,
                    "the discovery document names no jwks_uri; it is not an OpenID Provider configuration");
        }
        if (!sameOrigin(jwksUri, org)) {
            throw progress.fail("discovery", uri, ErrorCode.JWKS_FETCH_FAILED, "the discovery document's jwks_uri "
                    + SafeText.quote(jwksUri) + " is not on " + org.issuer() + "; keys are only ever read from the "
                    + "org's own domain, so it was not fetched");
        }
        if (!org.jwksUri().toString().equals(jwksUri)) {
            progress.notes.add("discovery names jwks_uri " + SafeText.quote(jwksUri) + "; the pipeline reads "
                    + org.jwksUri() + " (Okta's org authorization server), which is what is tested next");
        }
        progress.passed("discovery", uri, "issuer " + org.issuer());
    }

    private static boolean sameOrigin(String candidate, TenantPolicy org) {
        URI expected = URI.create(org.issuer());
        try {
            URI uri = new URI(candidate);
            return "https".equalsIgnoreCase(uri.getScheme())
                    && uri.getRawUserInfo() == null
                    && expected.getHost().equalsIgnoreCase(uri.getHost())
                    && effectivePort(expected) == effectivePort(uri);
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private static int effectivePort(URI uri) {
        return uri.getPort() == -1 ? 443 : uri.getPort();
    }

    // --- keys --------------------------------------------------------------------------------------------------

    private void checkKeys(TenantPolicy org, Progress progress) {
        URI uri = org.jwksUri();
        String content = fetch("keys", uri, progress);
        JWKSet keySet;
        try {
            keySet = JWKSet.parse(content);
        } catch (ParseException | RuntimeException e) {
            throw progress.fail("keys", uri, ErrorCode.JWKS_FETCH_FAILED, "the response of " + uri
                    + " is not a JWK set (" + e.getClass().getSimpleName() + ")");
        }
        List<PublishedKey> keys = keySet.getKeys().stream().map(this::describe).toList();
        progress.keys.addAll(keys);
        if (keySet.getKeys().stream().anyMatch(JWK::isPrivate)) {
            progress.notes.add("the key set publishes PRIVATE key material; whoever reads it can sign tokens. "
                    + "Replace those keys");
        }
        long usable = keys.stream().filter(key -> key.whyNot() == null).count();
        if (usable == 0) {
            throw progress.fail("keys", uri, ErrorCode.JWKS_FETCH_FAILED, "the key set of " + org.domain()
                    + " holds " + keys.size() + " key(s) but none the pipeline can verify with ("
                    + String.join(", ", rules.acceptedAlgorithms()) + " signing keys with a kid)");
        }
        progress.passed("keys", uri, keys.size() + " key(s), " + usable + " usable");
    }

    /** The same selection the pipeline's key lookup applies: type, use and alg must fit, and a kid to match. */
    private PublishedKey describe(JWK key) {
        List<String> usableFor = rules.acceptedAlgorithms().stream().sorted()
                .filter(name -> matcher(JWSAlgorithm.parse(name)).matches(key))
                .toList();
        String whyNot = key.getKeyID() == null ? "no kid: no token can name it"
                : usableFor.isEmpty() ? "not a signing key for " + String.join(", ", rules.acceptedAlgorithms())
                : null;
        return new PublishedKey(
                SafeText.cut(key.getKeyID()),
                key.getKeyType().getValue(),
                key.getAlgorithm() == null ? null : SafeText.cut(key.getAlgorithm().getName()),
                key.getKeyUse() == null ? null : SafeText.cut(key.getKeyUse().identifier()),
                usableFor,
                whyNot);
    }

    private static JWKMatcher matcher(JWSAlgorithm algorithm) {
        return new JWKMatcher.Builder()
                .keyType(KeyType.forAlgorithm(algorithm))
                .keyUses(KeyUse.SIGNATURE, null)
                .algorithms(algorithm, null)
                .build();
    }

    // --- requests ----------------------------------------------------------------------------------------------

    private String fetch(String step, URI uri, Progress progress) {
        progress.start();
        try {
            Resource resource = retriever.retrieveResource(uri.toURL());
            return resource.getContent();
        } catch (IOException | RuntimeException e) {
            throw progress.fail(step, uri, ErrorCode.JWKS_FETCH_FAILED, "could not read " + uri + ": "
                    + rootCause(e));
        }
    }

    private static Map<String, Object> parseObject(String content, String step, URI uri, Progress progress) {
        try {
            return JSONObjectUtils.parse(content);
        } catch (ParseException | RuntimeException e) {
            throw progress.fail(step, uri, ErrorCode.JWKS_FETCH_FAILED, "the response of " + uri
                    + " is not a JSON object");
        }
    }

    /** Class and message of the innermost cause: "ConnectException: Connection refused", "IOException: HTTP 503". */
    static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : ": " + root.getMessage();
        return SafeText.cut(root.getClass().getSimpleName() + message);
    }

    /** The steps so far and the clock of the running one. */
    private static final class Progress {
        final TenantPolicy org;
        final List<Step> steps = new ArrayList<>();
        final List<PublishedKey> keys = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        long startedAt = System.nanoTime();

        Progress(TenantPolicy org) {
            this.org = org;
        }

        void start() {
            startedAt = System.nanoTime();
        }

        Duration elapsed() {
            return Duration.ofNanos(System.nanoTime() - startedAt);
        }

        void passed(String name, URI uri, String summary) {
            steps.add(new Step(name, uri, elapsed(), true, summary));
        }

        CheckFailed fail(String name, URI uri, ErrorCode code, String detail) {
            steps.add(new Step(name, uri, elapsed(), false, detail));
            return new CheckFailed(new Failure(code, detail));
        }

        ConnectionReport report(Failure failure) {
            return new ConnectionReport(org, steps, keys, notes, failure);
        }
    }

    /** Control flow only: carries a failed step out of the check. */
    private static final class CheckFailed extends RuntimeException {
        final transient Failure failure;

        CheckFailed(Failure failure) {
            super(failure.code().name(), null, false, false);
            this.failure = failure;
        }
    }
}
