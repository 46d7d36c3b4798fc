package io.identityaudit.jwks;

import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.Resource;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.time.Duration;
import javax.net.ssl.SSLSocketFactory;

/**
 * nimbus's retriever with redirects switched off, and every request timed and classified for the metrics. A JWKS
 * endpoint that redirects elsewhere would let whoever controls the redirect choose the keys, so a 3xx is a
 * failed fetch.
 */
final class NoRedirectResourceRetriever extends DefaultResourceRetriever {

    private final String domain;
    private final JwksListener listener;

    NoRedirectResourceRetriever(int connectTimeoutMs, int readTimeoutMs, int sizeLimitBytes,
                                SSLSocketFactory sslSocketFactory, String domain, JwksListener listener) {
        super(connectTimeoutMs, readTimeoutMs, sizeLimitBytes, true, sslSocketFactory);
        this.domain = domain;
        this.listener = listener;
    }

    @Override
    protected HttpURLConnection openHTTPConnection(URL url) throws IOException {
        HttpURLConnection connection = super.openHTTPConnection(url);
        connection.setInstanceFollowRedirects(false);
        return connection;
    }

    @Override
    public Resource retrieveResource(URL url) throws IOException {
        long started = System.nanoTime();
        try {
            Resource resource = super.retrieveResource(url);
            listener.onRequest(domain, Duration.ofNanos(System.nanoTime() - started), null);
            return resource;
        } catch (IOException e) {
            listener.onRequest(domain, Duration.ofNanos(System.nanoTime() - started), JwksFailure.of(e));
            throw e;
        }
    }
}
