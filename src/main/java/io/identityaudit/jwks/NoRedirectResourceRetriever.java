package io.identityaudit.jwks;

import com.nimbusds.jose.util.DefaultResourceRetriever;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URL;
import javax.net.ssl.SSLSocketFactory;

/**
 * nimbus's retriever with redirects switched off: a JWKS endpoint that redirects elsewhere would let whoever
 * controls the redirect choose the keys, so a 3xx is a failed fetch.
 */
final class NoRedirectResourceRetriever extends DefaultResourceRetriever {

    NoRedirectResourceRetriever(int connectTimeoutMs, int readTimeoutMs, int sizeLimitBytes,
                                SSLSocketFactory sslSocketFactory) {
        super(connectTimeoutMs, readTimeoutMs, sizeLimitBytes, true, sslSocketFactory);
    }

    @Override
    protected HttpURLConnection openHTTPConnection(URL url) throws IOException {
        HttpURLConnection connection = super.openHTTPConnection(url);
        connection.setInstanceFollowRedirects(false);
        return connection;
    }
}
