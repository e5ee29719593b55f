package dev.mq.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The full lifecycle: {@code threads} producers send {@code messages} 1 KB bodies (one per request, or
 * batches of 10) while {@code threads} consumers receive and ack them the same way. Throughput is
 * messages acked per second, from the first send to the last ack; CPU is the whole process's CPU time
 * over the same span per message, so with every system in this JVM it counts client and server alike
 * (on a machine of few cores, it decides throughput once several threads run).
 */
final class Lifecycle {
    /** A 1,024-byte body. */
    static final String BODY = "x".repeat(1024);

    private static final Duration LIMIT = Duration.ofMinutes(5);

    private Lifecycle() {}

    record Outcome(
            String target,
            int threads,
            int batch,
            int messages,
            double seconds,
            double perSecond,
            double cpuMsPerMessage) {}

    private static final com.sun.management.OperatingSystemMXBean OS = (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    static Outcome run(Targets.Target target, int threads, int batch, int messages) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2 * threads);
        AtomicLong acked = new AtomicLong();
        AtomicLong finished = new AtomicLong();
        long cpuAtStart = OS.getProcessCpuTime();
        long start = System.nanoTime();
        long deadline = start + LIMIT.toNanos();
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int p = 0; p < threads; p++) {
                int share = messages / threads + (p < messages % threads ? 1 : 0);
                work.add(pool.submit(() -> {
                    for (int sent = 0; sent < share; sent += batch) {
                        int n = Math.min(batch, share - sent);
                        target.send(java.util.Collections.nCopies(n, BODY));
                    }
                    return null;
                }));
            }
            for (int c = 0; c < threads; c++) {
                work.add(pool.submit(() -> {
                    while (acked.get() < messages) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException(target.name() + ": not done in " + LIMIT);
                        }
                        List<String> handles = target.receive(batch);
                        if (handles.isEmpty()) {
                            continue;
                        }
                        if (batch == 1) {
                            handles.forEach(h -> target.ack(List.of(h)));
                        } else {
                            target.ack(handles);
                        }
                        if (acked.addAndGet(handles.size()) >= messages) {
                            finished.compareAndSet(0, System.nanoTime());
                        }
                    }
                    return null;
                }));
            }
            // the last ack ends the run; consumers still in a long poll are not waited for
            for (Future<?> f : work.subList(0, threads)) {
                f.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
            }
            while (finished.get() == 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(target.name() + ": not done in " + LIMIT);
                }
                for (Future<?> f : work.subList(threads, work.size())) {
                    if (f.isDone()) {
                        f.get(); // a consumer that failed
                    }
                }
                Thread.sleep(1);
            }
        } finally {
            pool.shutdownNow();
        }
        double cpuMs = (OS.getProcessCpuTime() - cpuAtStart) / 1e6;
        double seconds = (finished.get() - start) / 1e9;
        return new Outcome(target.name(), threads, batch, messages, seconds, messages / seconds, cpuMs / messages);
    }
}
