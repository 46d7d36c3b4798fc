package io.identityaudit.bench;

import io.identityaudit.config.Topics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads verdicts as soon as their transaction commits (read_committed, as a downstream consumer would) and times
 * each from its event's timestamp, which the pipeline carries over to the verdict.
 */
final class LatencyReader implements AutoCloseable {

    private final CommittedOutputs outputs;
    private final LatencyHistogram all;
    private final LatencyHistogram steady;
    private final long steadyFrom;
    private final Thread thread;
    private final AtomicLong seen = new AtomicLong();
    private volatile boolean stopping;

    /**
     * @param all        every verdict
     * @param steady     verdicts of events that occurred at or after {@code steadyFrom} (epoch millis)
     */
    LatencyReader(String bootstrap, Topics topics, LatencyHistogram all, LatencyHistogram steady, long steadyFrom) {
        // A short fetch wait, so the reader itself adds little to what it measures.
        this.outputs = new CommittedOutputs(bootstrap, List.of(topics.verified(), topics.rejected()),
                "bench-latency-reader", Duration.ofMillis(50));
        this.all = all;
        this.steady = steady;
        this.steadyFrom = steadyFrom;
        this.thread = new Thread(this::run, "bench-latency-reader");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        while (!stopping) {
            Iterable<ConsumerRecord<byte[], byte[]>> records = outputs.poll(Duration.ofMillis(100));
            long now = System.currentTimeMillis();
            for (ConsumerRecord<byte[], byte[]> record : records) {
                all.record(now - record.timestamp());
                if (record.timestamp() >= steadyFrom) {
                    steady.record(now - record.timestamp());
                }
                seen.incrementAndGet();
            }
        }
    }

    long seen() {
        return seen.get();
    }

    @Override
    public void close() throws InterruptedException {
        stopping = true;
        thread.join(TimeUnit.SECONDS.toMillis(10));
        outputs.close();
    }
}
