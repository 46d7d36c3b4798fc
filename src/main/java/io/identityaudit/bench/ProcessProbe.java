package io.identityaudit.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * What this process spent: CPU time (the whole process, and per Java thread so it can be split into the stream
 * threads, the broker and the rest), garbage collections, and heap use, sampled by the caller.
 */
final class ProcessProbe {

    /** CPU the Java threads do not account for: garbage collection, the JIT compiler and other VM threads. */
    static final String VM_THREADS = "gc-jit-vm";

    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
    private long peakHeapUsed;

    /** CPU and GC figures at one instant. */
    record Snapshot(long nanoTime, long processCpuNanos, Map<Long, ThreadCpu> threadCpu, long gcCount,
                    long gcMillis, long jitMillis) {
    }

    record ThreadCpu(String name, long cpuNanos) {
    }

    Snapshot take() {
        Map<Long, ThreadCpu> cpu = new HashMap<>();
        long[] ids = threads.getAllThreadIds();
        ThreadInfo[] infos = threads.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            long nanos = threads.getThreadCpuTime(ids[i]);
            if (infos[i] != null && nanos >= 0) {
                cpu.put(ids[i], new ThreadCpu(infos[i].getThreadName(), nanos));
            }
        }
        long gcCount = 0;
        long gcMillis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcCount += Math.max(0, gc.getCollectionCount());
            gcMillis += Math.max(0, gc.getCollectionTime());
        }
        long jitMillis = compiler != null && compiler.isCompilationTimeMonitoringSupported()
                ? compiler.getTotalCompilationTime() : 0;
        return new Snapshot(System.nanoTime(), os.getProcessCpuTime(), cpu, gcCount, gcMillis, jitMillis);
    }

    /**
     * CPU time between two snapshots by thread group, in the order the groups first appear, with
     * {@link #VM_THREADS} last. Threads that ended in between are missing (the caller takes {@code after} before
     * closing what it measures).
     */
    static Map<String, Long> cpuByGroup(Snapshot before, Snapshot after, Function<String, String> group) {
        Map<String, Long> byGroup = new LinkedHashMap<>();
        long javaThreads = 0;
        for (Map.Entry<Long, ThreadCpu> entry : after.threadCpu().entrySet()) {
            ThreadCpu earlier = before.threadCpu().get(entry.getKey());
            long spent = entry.getValue().cpuNanos() - (earlier == null ? 0 : earlier.cpuNanos());
            if (spent > 0) {
                byGroup.merge(group.apply(entry.getValue().name()), spent, Long::sum);
                javaThreads += spent;
            }
        }
        long process = after.processCpuNanos() - before.processCpuNanos();
        byGroup.put(VM_THREADS, Math.max(0, process - javaThreads));
        return byGroup;
    }

    /** Forgets the heap peak; call at the start of a measured step. */
    void resetPeakHeap() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
        peakHeapUsed = 0;
        sampleHeap();
    }

    /** Samples the heap in use; the caller does it every few dozen milliseconds. */
    void sampleHeap() {
        peakHeapUsed = Math.max(peakHeapUsed, memory.getHeapMemoryUsage().getUsed());
    }

    /** The highest heap use sampled since {@link #resetPeakHeap}. */
    long peakHeapUsed() {
        sampleHeap();
        return peakHeapUsed;
    }

    static long maxHeap() {
        return Runtime.getRuntime().maxMemory();
    }

    /** The 1-minute load average of the machine, or -1 where the OS does not tell. */
    double loadAverage() {
        return os.getSystemLoadAverage();
    }
}
