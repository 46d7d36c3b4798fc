package io.identityaudit.demo;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSocketFactory;

/**
 * A real Okta-shaped org on loopback: HTTPS with its own certificate, an RSA signing key set at
 * {@code /oauth2/v1/keys}, discovery at {@code /.well-known/openid-configuration}, and a count of the requests it
 * served. Its domain is {@code localhost:PORT}, which the demo (or a test) puts on the custom-domain allowlist.
 */
public final class SimulatedOktaOrg implements AutoCloseable {

    private final LoopbackTls tls;
    private final HttpsServer server;
    private final List<RSAKey> publishedKeys = new CopyOnWriteArrayList<>();
    private final AtomicInteger keysRequests = new AtomicInteger();
    private final AtomicReference<Integer> failWithStatus = new AtomicReference<>();

    private SimulatedOktaOrg(LoopbackTls tls) throws IOException {
        this.tls = tls;
        this.server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
        server.createContext("/oauth2/v1/keys", this::serveKeys);
        server.createContext("/.well-known/openid-configuration", this::serveDiscovery);
        server.start();
    }

    /** Starts an org publishing one fresh signing key. */
    public static SimulatedOktaOrg start() {
        return start(LoopbackTls.create());
    }

    public static SimulatedOktaOrg start(LoopbackTls tls) {
        try {
            SimulatedOktaOrg org = new SimulatedOktaOrg(tls);
            org.publish(org.newSigningKey());
            return org;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A key this org could sign with; not published until {@link #publish}. */
    public RSAKey newSigningKey() {
        try {
            RSAKey key = new RSAKeyGenerator(2048)
                    .keyID("kid-" + Long.toHexString(System.nanoTime()))
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(com.nimbusds.jose.JWSAlgorithm.RS256)
                    .generate();
            return key;
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public void publish(RSAKey key) {
        publishedKeys.add(key);
    }

    public void unpublish(RSAKey key) {
        publishedKeys.removeIf(k -> k.getKeyID().equals(key.getKeyID()));
    }

    /** The first published key: what a token of this org is normally signed with. */
    public RSAKey signingKey() {
        return publishedKeys.get(0);
    }

    /** Makes every request answer this HTTP status (null: serve normally). */
    public void failWith(Integer status) {
        failWithStatus.set(status);
    }

    public String domain() {
        return "localhost:" + server.getAddress().getPort();
    }

    public String issuer() {
        return "https://" + domain();
    }

    public int keysRequests() {
        return keysRequests.get();
    }

    /** A client TLS setup that trusts this org's certificate and nothing else. */
    public SSLSocketFactory trustingSocketFactory() {
        return tls.clientContext().getSocketFactory();
    }

    public LoopbackTls tls() {
        return tls;
    }

    private void serveKeys(HttpExchange exchange) throws IOException {
        keysRequests.incrementAndGet();
        List<JWK> keys = new ArrayList<>();
        publishedKeys.forEach(k -> keys.add(k.toPublicJWK()));
        respond(exchange, new JWKSet(keys).toString());
    }

    private void serveDiscovery(HttpExchange exchange) throws IOException {
        respond(exchange, "{\"issuer\":\"" + issuer() + "\",\"jwks_uri\":\"" + issuer() + "/oauth2/v1/keys\","
                + "\"id_token_signing_alg_values_supported\":[\"RS256\"]}");
    }

    private void respond(HttpExchange exchange, String json) throws IOException {
        try (exchange) {
            Integer failure = failWithStatus.get();
            byte[] body = (failure == null ? json : "{\"errorCode\":\"E0000009\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(failure == null ? 200 : failure, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
