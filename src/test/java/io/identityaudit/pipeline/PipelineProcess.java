package io.identityaudit.pipeline;

import static org.awaitility.Awaitility.await;

import io.identityaudit.cli.Main;
import io.identityaudit.config.Topics;
import io.identityaudit.demo.SimulatedOktaOrg;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code identity-audit run} started as an operator starts it: {@code java -cp ... io.identityaudit.cli.Main run} in
 * its own JVM, stdout and stderr going to a log file. Stopping it sends SIGTERM ({@link #terminate}); killing it
 * sends SIGKILL ({@link #kill}), which no shutdown hook sees. Closing kills whatever still runs.
 */
final class PipelineProcess implements AutoCloseable {

    /** Printed once the pipeline has started. */
    static final Pattern RUNNING = Pattern.compile("identity-audit is running against (\\S+?)\\.\\R");
    /** Printed by {@code run} without {@code --bootstrap-servers}. */
    static final Pattern EMBEDDED_BROKER =
            Pattern.compile("Embedded Kafka broker listening on 127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    private final Path log;

    private PipelineProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code identity-audit run OPTIONS} with this test JVM's class path; its output goes to
     * {@code DIR/NAME.log}.
     */
    static PipelineProcess run(Path dir, String name, List<String> options) {
        try {
            Files.createDirectories(dir);
            Path log = dir.resolve(name + ".log");
            Path logback = dir.resolve(name + "-logback.xml");
            Files.writeString(logback, LOGBACK);
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m",
                    "-Dlogback.configurationFile=" + logback,
                    "-cp", System.getProperty("java.class.path"),
                    Main.class.getName(),
                    "run"));
            command.addAll(options);
            // Never 0.0.0.0, never the fixed default port: loopback only, and no clash between processes.
            command.addAll(List.of("--metrics-host", "127.0.0.1", "--metrics-port", "0"));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            // The test's own environment must not configure the child (IDENTITY_AUDIT_* variables).
            builder.environment().keySet().removeIf(key -> key.startsWith("IDENTITY_AUDIT_"));
            return new PipelineProcess(builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start identity-audit run " + options, e);
        }
    }

    /** The options naming a test's own topics. */
    static List<String> topicOptions(Topics topics) {
        return List.of(
                "--events-topic", topics.sessionEvents(),
                "--tenant-configs-topic", topics.tenantConfigs(),
                "--verified-topic", topics.verified(),
                "--rejected-topic", topics.rejected(), "--retry-topic", topics.retries());
    }

    /**
     * The options that let the child reach a loopback org: its domain on the custom-domain allowlist and its
     * certificate trusted through {@code --jwks-ca-file}, written to {@code dir}.
     */
    static List<String> orgOptions(SimulatedOktaOrg org, Path dir) {
        Path pem = writePem(org.tls().certificate(), dir.resolve("org-" + org.domain().replace(':', '-') + ".pem"));
        return List.of("--custom-domain", org.domain(), "--jwks-ca-file", pem.toString());
    }

    /** Writes {@code certificate} as a PEM file, the form {@code --jwks-ca-file} reads. */
    static Path writePem(X509Certificate certificate, Path file) {
        try {
            String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(certificate.getEncoded());
            Files.writeString(file, "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n");
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Everything the process printed so far. */
    String output() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path log() {
        return log;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits until the output matches {@code pattern}; fails at once, with the output, if the process exits. */
    Matcher awaitOutput(Pattern pattern, Duration timeout) {
        AtomicReference<Matcher> found = new AtomicReference<>();
        await("output matching " + pattern).atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
            Matcher matcher = pattern.matcher(output());
            if (matcher.find()) {
                found.set(matcher);
                return true;
            }
            if (!process.isAlive()) {
                throw new AssertionError("identity-audit exited with " + process.exitValue() + " before printing "
                        + pattern + "; its output:\n" + output());
            }
            return false;
        });
        return found.get();
    }

    /** Sends SIGTERM and waits for the process to exit; returns its exit code. */
    int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError("identity-audit did not exit within " + timeout + " of SIGTERM; its output:\n"
                    + output());
        }
        return process.exitValue();
    }

    /** Sends SIGKILL: the JVM ends at once, no shutdown hook, no commit, no close. Returns the exit code. */
    int kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("identity-audit (pid " + process.pid() + ") survived SIGKILL for 30 s");
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    /** The pipeline's own lines at INFO, Kafka's at WARN: enough to tell what happened when a test fails. */
    private static final String LOGBACK = """
            <configuration>
              <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{30} - %msg%n</pattern></encoder>
              </appender>
              <logger name="io.identityaudit" level="INFO"/>
              <logger name="org.apache.kafka" level="WARN"/>
              <logger name="kafka" level="WARN"/>
              <logger name="state.change.logger" level="WARN"/>
              <root level="WARN"><appender-ref ref="OUT"/></root>
            </configuration>
            """;
}
