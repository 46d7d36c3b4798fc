package io.identityaudit.cli;

import io.identityaudit.demo.LoopbackTls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.util.Base64;

/** Test plumbing for talking to loopback orgs the way an operator would: their CA as a PEM file, a dead port. */
final class LoopbackOrgs {

    private LoopbackOrgs() {
    }

    /** The loopback certificate as the PEM file an operator passes with --jwks-ca-file. */
    static Path caFile(LoopbackTls tls, Path dir) {
        try {
            String pem = "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(tls.certificate().getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
            return Files.writeString(Files.createTempFile(dir, "loopback-ca", ".pem"), pem);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A loopback port nothing listens on (bound, then released). */
    static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
