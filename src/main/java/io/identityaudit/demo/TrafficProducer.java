package io.identityaudit.demo;

import io.identityaudit.demo.DemoTraffic.DemoEvent;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends the demo traffic to the events topic at a steady rate, on its own thread, as a session service would:
 * keyed by session id, record timestamp = the event's occurredAt. Each event is registered in the
 * {@link OutcomeTally} before it is sent, so its verdict can never arrive first.
 */
public final class TrafficProducer implements AutoCloseable {

    private final Producer<String, byte[]> producer;
    private final String topic;
    private final DemoTraffic traffic;
    private final int eventsPerSecond;
    private final OutcomeTally tally;
    private final Thread thread;
    private final AtomicInteger acknowledged = new AtomicInteger();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean stopping;

    /** @param producer not closed here: its owner closes it */
    public TrafficProducer(Producer<String, byte[]> producer, String topic, DemoTraffic traffic,
                           int eventsPerSecond, OutcomeTally tally) {
        if (eventsPerSecond < 1) {
            throw new IllegalArgumentException("the rate must be at least one event per second");
        }
        this.producer = producer;
        this.topic = topic;
        this.traffic = traffic;
        this.eventsPerSecond = eventsPerSecond;
        this.tally = tally;
        this.thread = new Thread(this::run, "identity-audit-demo-traffic");
        thread.setDaemon(true);
    }

    /** How the demo's producers write: idempotent with acks=all, as the pipeline's own outputs are. */
    public static Properties producerProperties(String bootstrapServers) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "identity-audit-demo-traffic");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // A few milliseconds of batching keeps a high --rate cheap; at the default rate it adds nothing visible.
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return props;
    }

    public void start() {
        thread.start();
    }

    /** Events the broker acknowledged. */
    public int acknowledged() {
        return acknowledged.get();
    }

    /** True once every event was sent and acknowledged, or sending failed or was stopped. */
    public boolean finished() {
        return finished.getCount() == 0;
    }

    public Optional<Exception> failure() {
        return Optional.ofNullable(failure.get());
    }

    private void run() {
        try {
            long start = System.nanoTime();
            long nanosPerEvent = TimeUnit.SECONDS.toNanos(1) / eventsPerSecond;
            for (long i = 0; traffic.hasNext() && !stopping && failure.get() == null; i++) {
                long due = start + i * nanosPerEvent;
                for (long wait = due - System.nanoTime(); wait > 0 && !stopping; wait = due - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
                if (stopping) {
                    break;
                }
                DemoEvent event = traffic.next();
                tally.expect(event.trackingId(), event.intended());
                producer.send(new ProducerRecord<>(topic, null, event.timestamp().toEpochMilli(), event.key(),
                        event.value()), (metadata, error) -> {
                            if (error != null) {
                                failure.compareAndSet(null, error);
                            } else {
                                acknowledged.incrementAndGet();
                            }
                        });
            }
            producer.flush();
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
        } finally {
            finished.countDown();
        }
    }

    /** Stops sending and waits for the sending thread to end. */
    @Override
    public void close() throws InterruptedException {
        stopping = true;
        LockSupport.unpark(thread);
        if (thread.isAlive()) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
    }
}
