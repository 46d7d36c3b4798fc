package io.identityaudit.testing;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.identityaudit.demo.LoopbackTls;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTPS server on loopback answering fixed responses, for the org misbehaviours {@code SimulatedOktaOrg} does
 * not play: a foreign issuer, a jwks_uri elsewhere, a redirect. It counts every request, so a test can prove a
 * host was never contacted.
 */
public final class FixedHttpsServer implements AutoCloseable {

    private final HttpsServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final Map<String, Response> responses = new ConcurrentHashMap<>();

    private record Response(int status, String location, String body) {
    }

    private final java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);
    private final java.util.Set<String> hanging = ConcurrentHashMap.newKeySet();

    public FixedHttpsServer(LoopbackTls tls) {
        try {
            server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            if (hanging.contains(exchange.getRequestURI().getPath())) {
                try {
                    released.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.close();
                return;
            }
            try (exchange) {
                Response response = responses.getOrDefault(exchange.getRequestURI().getPath(),
                        new Response(404, null, "{}"));
                byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
                if (response.location() != null) {
                    exchange.getResponseHeaders().add("Location", response.location());
                }
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(response.status(), body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        // Hanging requests must not hold up the others.
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    public FixedHttpsServer json(String path, String body) {
        responses.put(path, new Response(200, null, body));
        return this;
    }

    /** Answers {@code path} with this status and body. */
    public FixedHttpsServer respond(String path, int status, String body) {
        responses.put(path, new Response(status, null, body));
        return this;
    }

    /** Accepts requests for {@code path} and never answers them (until closed). */
    public FixedHttpsServer hang(String path) {
        hanging.add(path);
        return this;
    }

    public FixedHttpsServer redirect(String path, String location) {
        responses.put(path, new Response(302, location, "{}"));
        return this;
    }

    public String domain() {
        return "localhost:" + server.getAddress().getPort();
    }

    public String origin() {
        return "https://" + domain();
    }

    public int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
    }
}
