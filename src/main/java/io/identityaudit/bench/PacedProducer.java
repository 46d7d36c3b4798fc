package io.identityaudit.bench;

import io.identityaudit.bench.BenchTraffic.BenchEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Produces events at a steady rate on its own thread, each stamped with the moment it is sent, so that a reader can
 * time it until its verdict. Paced by the clock, not by acknowledgements: a slow pipeline shows as latency, never
 * as a lower rate.
 */
final class PacedProducer implements AutoCloseable {

    private final String topic;
    private final BenchTraffic.Cursor cursor;
    private final int rate;
    private final long count;
    private final KafkaProducer<String, byte[]> producer;
    private final Thread thread;
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private volatile boolean stopping;
    private volatile long tookNanos;

    PacedProducer(Properties producerProperties, String topic, BenchTraffic.Cursor cursor, int rate, long count) {
        this.topic = topic;
        this.cursor = cursor;
        this.rate = rate;
        this.count = count;
        this.producer = new KafkaProducer<>(producerProperties);
        this.thread = new Thread(this::run, "bench-latency-traffic");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        try {
            long started = System.nanoTime();
            long sent = 0;
            while (sent < count && !stopping && failure.get() == null) {
                long due = Math.min(count, (long) ((System.nanoTime() - started) / 1e9 * rate) + 1);
                for (; sent < due; sent++) {
                    BenchEvent event = cursor.next(Instant.now());
                    producer.send(new ProducerRecord<>(topic, null, event.occurredAt().toEpochMilli(), event.key(),
                            event.value()), (metadata, error) -> {
                                if (error != null) {
                                    failure.compareAndSet(null, error);
                                }
                            });
                }
                LockSupport.parkNanos(200_000);
            }
            tookNanos = System.nanoTime() - started;
            producer.flush();
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
        }
    }

    Optional<Exception> failure() {
        return Optional.ofNullable(failure.get());
    }

    /** The rate actually reached (0 until every event was sent). */
    double producedRate() {
        return tookNanos == 0 ? 0 : count / (tookNanos / 1e9);
    }

    @Override
    public void close() throws InterruptedException {
        stopping = true;
        thread.join(TimeUnit.SECONDS.toMillis(30));
        producer.close(Duration.ofSeconds(10));
    }
}
