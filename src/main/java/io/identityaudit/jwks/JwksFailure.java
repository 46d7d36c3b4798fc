package io.identityaudit.jwks;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;

/** Why a JWKS request failed, in a few bounded words: a metric label and the start of a rejection detail. */
public enum JwksFailure {
    TIMEOUT, CONNECT, DNS, TLS, HTTP_STATUS, TOO_LARGE, IO;

    static JwksFailure of(IOException e) {
        if (e instanceof SocketTimeoutException) {
            return TIMEOUT;
        }
        if (e instanceof ConnectException) {
            return CONNECT;
        }
        if (e instanceof UnknownHostException) {
            return DNS;
        }
        if (e instanceof SSLException) {
            return TLS;
        }
        String message = e.getMessage() == null ? "" : e.getMessage();
        // HttpURLConnection's words for a non-2xx answer; nimbus adds its own for some.
        if (message.startsWith("HTTP ") || message.startsWith("Server returned HTTP response code")) {
            return HTTP_STATUS;
        }
        if (message.contains("size limit") || message.contains("Exceeded configured input limit")) {
            return TOO_LARGE;
        }
        return IO;
    }

    /** The label value: lower case, e.g. {@code http_status}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
