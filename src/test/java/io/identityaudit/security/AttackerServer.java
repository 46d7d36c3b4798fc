package io.identityaudit.security;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.identityaudit.demo.LoopbackTls;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The attacker's web server: HTTPS on loopback with a certificate the pipeline under test trusts, serving the
 * attacker's key as a JWK set ({@code /jwks.json}) and as a certificate ({@code /cert.pem}), and recording every
 * request. If anything in the pipeline followed a {@code jku} or {@code x5u} header, the request would succeed
 * and be recorded here; the attack suite asserts that nothing ever is.
 */
final class AttackerServer implements AutoCloseable {

    private final HttpsServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    AttackerServer(LoopbackTls tls, RSAKey attackerKey) {
        byte[] jwks = new JWKSet(attackerKey.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        byte[] pem;
        try {
            pem = ("-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder().encodeToString(Jose.selfSigned(attackerKey).getEncoded())
                    + "\n-----END CERTIFICATE-----\n").getBytes(StandardCharsets.US_ASCII);
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
        try {
            server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
        server.createContext("/", exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            try (exchange) {
                byte[] body = exchange.getRequestURI().getPath().endsWith(".pem") ? pem : jwks;
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
    }

    String url(String path) {
        return "https://localhost:" + server.getAddress().getPort() + path;
    }

    /** Every request served so far, as {@code METHOD /path}. */
    List<String> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
