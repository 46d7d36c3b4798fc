package io.identityaudit.connection;

import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.Resource;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URL;
import javax.net.ssl.SSLSocketFactory;

/**
 * nimbus's retriever as the pipeline configures it for JWKS requests: timeouts, a size limit, the pipeline's TLS
 * trust and no redirects (a 3xx is a failure; whoever controls a redirect would choose the keys). It refuses any
 * URL that is not https, so a check can never be steered to a file or a plain-text endpoint.
 *
 * <p>It mirrors {@code io.identityaudit.jwks.NoRedirectResourceRetriever}, which is package-private there.
 */
final class NoRedirectHttpsRetriever extends DefaultResourceRetriever {

    NoRedirectHttpsRetriever(int connectTimeoutMs, int readTimeoutMs, int sizeLimitBytes,
                             SSLSocketFactory sslSocketFactory) {
        super(connectTimeoutMs, readTimeoutMs, sizeLimitBytes, true, sslSocketFactory);
    }

    @Override
    public Resource retrieveResource(URL url) throws IOException {
        if (!"https".equalsIgnoreCase(url.getProtocol())) {
            throw new IOException("only https URLs are fetched");
        }
        return super.retrieveResource(url);
    }

    @Override
    protected HttpURLConnection openHTTPConnection(URL url) throws IOException {
        HttpURLConnection connection = super.openHTTPConnection(url);
        connection.setInstanceFollowRedirects(false);
        return connection;
    }
}
