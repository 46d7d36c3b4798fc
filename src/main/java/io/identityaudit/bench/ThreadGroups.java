package io.identityaudit.bench;

import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Sorts this process's threads into the groups the report splits CPU time by: the stream threads (where the
 * topology runs), the Streams producers' network threads, the application's other threads (global thread, state
 * updater, heartbeat, admin, JWKS fetchers), the benchmark's own (driver, producer, reader, the simulated orgs'
 * HTTPS servers), and the rest, which is the embedded broker.
 */
final class ThreadGroups {

    static final String STREAM = "stream";
    static final String PRODUCER_IO = "producer-io";
    static final String APP_OTHER = "app-other";
    static final String BENCH = "bench";
    static final String BROKER = "broker";
    static final String VM = ProcessProbe.VM_THREADS;

    /** The groups in the order the report prints them. */
    static final List<String> ORDER = List.of(STREAM, PRODUCER_IO, APP_OTHER, BROKER, VM, BENCH);

    private ThreadGroups() {
    }

    /**
     * @param applicationId the Streams application measured: its client id, and so its thread names, start with it
     * @param benchThreads  names of the benchmark's own threads besides those named {@code bench-...}
     */
    static Function<String, String> classifier(String applicationId, Set<String> benchThreads) {
        return name -> {
            if (name.contains(applicationId)) {
                if (name.startsWith("kafka-producer-network-thread")) {
                    return PRODUCER_IO;
                }
                return name.contains("-StreamThread-") ? STREAM : APP_OTHER;
            }
            if (name.startsWith("identity-audit-jwks")) {
                return APP_OTHER;
            }
            if (name.startsWith("bench-") || name.contains("| bench-") || name.startsWith("HTTP-Dispatcher")
                    || benchThreads.contains(name)) {
                return BENCH;
            }
            return BROKER;
        };
    }
}
