package io.identityaudit.demo;

import io.identityaudit.avro.AnomalyKind;
import io.identityaudit.avro.AnomalySeverity;
import io.identityaudit.avro.SecurityAnomaly;
import io.identityaudit.serde.Contracts;
import io.identityaudit.serde.MalformedRecordException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the anomalies topic from the beginning with {@code read_committed}, for the demo's summary: how many
 * anomalies of each kind were written, their severities and tenants.
 *
 * <p>The detectors run behind a repartition topic, so their anomalies follow the verdicts by a moment:
 * {@link #awaitSettled} waits for the kinds the traffic is known to provoke and for the topic to stay quiet.
 *
 * <p>Not thread-safe: one thread polls.
 */
public final class AnomalyReader implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AnomalyReader.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<AnomalyKind, Map<AnomalySeverity, Integer>> counts = new EnumMap<>(AnomalyKind.class);
    /** Per kind, the tenants its anomalies name, or the key of those that name none. */
    private final Map<AnomalyKind, Set<String>> tenants = new EnumMap<>(AnomalyKind.class);
    private final List<SecurityAnomaly> anomalies = new ArrayList<>();

    public AnomalyReader(String bootstrapServers, String topic) {
        this.consumer = VerdictReader.committedConsumer(bootstrapServers, "identity-audit-demo-anomalies",
                List.of(topic));
    }

    /**
     * Reads until every kind in {@code expected} was seen and nothing new arrived for {@code quiet}, or
     * {@code timeout} ran out.
     *
     * @return whether every expected kind was seen
     */
    public boolean awaitSettled(Collection<AnomalyKind> expected, Duration quiet, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastNew = System.nanoTime();
        while (System.nanoTime() < deadline) {
            if (poll() > 0) {
                lastNew = System.nanoTime();
            } else if (counts.keySet().containsAll(expected) && System.nanoTime() - lastNew >= quiet.toNanos()) {
                return true;
            }
        }
        return counts.keySet().containsAll(expected);
    }

    private int poll() {
        int read = 0;
        for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
            try {
                SecurityAnomaly anomaly = Contracts.ANOMALY.decode(record.value());
                anomalies.add(anomaly);
                counts.computeIfAbsent(anomaly.getKind(), k -> new EnumMap<>(AnomalySeverity.class))
                        .merge(anomaly.getSeverity(), 1, Integer::sum);
                // An org-wide anomaly (JWKS_OUTAGE) names no tenant; its key names the domain.
                tenants.computeIfAbsent(anomaly.getKind(), k -> new TreeSet<>())
                        .add(anomaly.getTenantId() != null ? anomaly.getTenantId() : anomaly.getKey());
                read++;
            } catch (MalformedRecordException e) {
                log.warn("Unreadable anomaly at {}-{}@{} ignored: {}", record.topic(), record.partition(),
                        record.offset(), e.getMessage());
            }
        }
        return read;
    }

    /** Every anomaly read so far. */
    public List<SecurityAnomaly> anomalies() {
        return List.copyOf(anomalies);
    }

    /** How many anomalies of a kind were read. */
    public int count(AnomalyKind kind) {
        return counts.getOrDefault(kind, Map.of()).values().stream().mapToInt(Integer::intValue).sum();
    }

    /**
     * Prints one line per kind read: count, the count per severity and the tenants (or keys), e.g.
     * {@code   FORGERY_ATTEMPT          4  MEDIUM 2, HIGH 2  (acme, globex)}.
     */
    public void print(PrintWriter out, String topic) {
        out.printf("Anomalies written to %s (read_committed): %d%n", topic, anomalies.size());
        counts.forEach((kind, bySeverity) -> {
            List<String> severities = new ArrayList<>();
            bySeverity.forEach((severity, n) -> severities.add(severity + " " + n));
            out.printf(Locale.ROOT, "  %-23s %4d  %-26s (%s)%n", kind, count(kind), String.join(", ", severities),
                    String.join(", ", tenants.get(kind)));
        });
        out.flush();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
