package dev.mq.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mq.core.ConcurrencyLog.Ack;
import dev.mq.core.ConcurrencyLog.AckOutcome;
import dev.mq.core.ConcurrencyLog.Lease;
import dev.mq.core.ConcurrencyLog.Sent;
import dev.mq.model.ErrorCode;
import dev.mq.model.QueueAttributes;
import dev.mq.model.QueueException;
import dev.mq.store.Services;
import dev.mq.testing.LocalDynamoDb;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Producers and consumers racing on one queue over DynamoDB Local, in real time: leases must really
 * expire, so the service runs on the system clock. Some consumers crash (receive and never ack), some
 * ack after their lease expired; every lease and ack is recorded with the times around its call, and
 * {@link ConcurrencyLog} checks the guarantees of docs/api.md over the record: one consumer at a time per
 * message, redelivery only after the lease expired, every message deleted exactly once by its current
 * lease, none lost, and FIFO group order.
 *
 * <p>The random choices (batch sizes, waits, which messages are dropped) come from a seed printed in the
 * summary; rerun with {@code -Dmq.concurrency.seed=<seed>} to repeat them (thread interleaving still
 * varies).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConcurrencyTest {
    private static final byte[] KEY = "concurrency-test-receipt-key-32b".getBytes(StandardCharsets.UTF_8);
    /** The run stops here even if messages are missing; the checks then say which. */
    private static final Duration RUN_LIMIT = Duration.ofSeconds(30);
    /** Slack for clock granularity (the store keeps visibility in milliseconds). */
    private static final Duration TOLERANCE = Duration.ofMillis(50);
    /**
     * Slack when ordering a receive against an ack on another thread; both times are exact causal
     * bounds on one clock, so this covers only clock jitter.
     */
    private static final Duration ORDER_TOLERANCE = Duration.ofMillis(10);

    static final LocalDynamoDb db = LocalDynamoDb.shared();

    QueueService service;
    long seed;

    @BeforeEach
    void freshService() {
        service = Services.over(db.client(), db.freshTables()).receiptKey(KEY).queues();
        seed = Long.getLong("mq.concurrency.seed", System.nanoTime());
    }

    /**
     * How the run behaves. A consumer drops ({@code dropRate}) or acks late ({@code lateRate}) each
     * message; with {@code crashAbandonsBatch} a drop also abandons the rest of that receive's answer,
     * as a crashed process would. The first {@code crashers} consumers ack nothing during {@code crashPhase}.
     */
    record Scenario(
            String queue,
            int visibilitySeconds,
            int producers,
            int messagesPerProducer,
            int groupsPerProducer,
            int consumers,
            double dropRate,
            double lateRate,
            boolean crashAbandonsBatch,
            int crashers,
            Duration crashPhase) {
        boolean fifo() {
            return queue.endsWith(".fifo");
        }

        int total() {
            return producers * messagesPerProducer;
        }
    }

    @Test
    void standardQueue_racingConsumersThatCrash_leaseEachMessageToOneAtATime_andDeleteEachExactlyOnce() {
        Scenario scenario = new Scenario(
                "racing", /* visibility s */
                1, /* producers */
                2, /* messages each */
                200,
                /* groups each */ 0, /* consumers */
                10, /* drop */
                0.10, /* ack late */
                0.05,
                /* drop abandons batch */ false, /* crashers */
                2, /* crash phase */
                Duration.ofMillis(1500));

        ConcurrencyLog log = run(scenario);

        List<String> violations = new ArrayList<>(log.errors());
        violations.addAll(log.checkLeases(Duration.ofSeconds(scenario.visibilitySeconds()), TOLERANCE));
        violations.addAll(log.checkAcks(TOLERANCE));
        violations.addAll(leftInQueue(scenario, log));
        assertNoViolations(violations, summary(scenario, log));
        assertThat(log.sentCount()).as("messages sent").isEqualTo(scenario.total());
        assertThat(log.redeliveries())
                .as("redeliveries after expired leases (else the test proved little)")
                .isPositive();
    }

    @Test
    void fifoQueue_racingConsumersThatCrash_keepEachGroupInSendOrder_andDeleteEachExactlyOnce() {
        Scenario scenario = new Scenario(
                "racing.fifo", /* visibility s */
                1, /* producers */
                2,
                /* messages each */ 160, /* groups each */
                4, /* consumers */
                10, /* drop */
                0.06, /* ack late */
                0.03,
                /* drop abandons batch */ true, /* crashers */
                2, /* crash phase */
                Duration.ofMillis(1500));

        ConcurrencyLog log = run(scenario);

        List<String> violations = new ArrayList<>(log.errors());
        violations.addAll(log.checkLeases(Duration.ofSeconds(scenario.visibilitySeconds()), TOLERANCE));
        violations.addAll(log.checkAcks(TOLERANCE));
        violations.addAll(log.checkGroupOrder(Duration.ofSeconds(scenario.visibilitySeconds()), ORDER_TOLERANCE));
        violations.addAll(leftInQueue(scenario, log));
        assertNoViolations(violations, summary(scenario, log));
        assertThat(log.sentCount()).as("messages sent").isEqualTo(scenario.total());
        assertThat(log.sentByGroup()).as("groups").hasSize(scenario.producers() * scenario.groupsPerProducer());
        assertThat(log.redeliveries())
                .as("redeliveries after expired leases (else the test proved little)")
                .isPositive();
    }

    // ---------------------------------------------------------------- the run

    private ConcurrencyLog run(Scenario s) {
        QueueAttributes d = QueueAttributes.defaults();
        service.createQueue(
                s.queue(),
                new QueueAttributes(
                        s.visibilitySeconds(),
                        d.messageRetentionSeconds(),
                        0,
                        0,
                        d.maxMessageBytes(),
                        d.deduplicationWindowSeconds(),
                        false,
                        null,
                        null));

        Instant origin = Instant.now();
        ConcurrencyLog log = new ConcurrencyLog(origin);
        Instant deadline = origin.plus(RUN_LIMIT);
        Instant crashUntil = origin.plus(s.crashPhase());
        int threads = s.producers() + s.consumers();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch produced = new CountDownLatch(s.producers());
        AtomicBoolean stop = new AtomicBoolean();
        try {
            for (int p = 0; p < s.producers(); p++) {
                int producer = p;
                Random random = new Random(seed * 31 + producer);
                pool.execute(guarded(log, "producer " + p, ready, go, () -> {
                    try {
                        produce(s, producer, random, log);
                    } finally {
                        produced.countDown();
                    }
                }));
            }
            for (int c = 0; c < s.consumers(); c++) {
                String consumer = "c" + c;
                boolean crasher = c < s.crashers();
                Random random = new Random(seed * 31 + 1_000 + c);
                pool.execute(guarded(
                        log,
                        "consumer " + consumer,
                        ready,
                        go,
                        () -> consume(s, consumer, crasher ? crashUntil : Instant.MIN, random, log, stop, deadline)));
            }
            await(ready);
            go.countDown();
            while (Instant.now().isBefore(deadline)
                    && !(produced.getCount() == 0 && log.answeredOkCount() >= s.total())) {
                sleep(20);
            }
        } finally {
            log.finished(Instant.now());
            stop.set(true);
            pool.shutdown();
            try {
                // A consumer finishes its current receive (at most a 1 s long poll) and acks.
                if (!pool.awaitTermination(15, TimeUnit.SECONDS)) {
                    log.error("threads did not stop within 15 s of the end of the run");
                    pool.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                pool.shutdownNow();
            }
        }
        return log;
    }

    private void produce(Scenario s, int producer, Random random, ConcurrencyLog log) {
        int[] nextInGroup = new int[Math.max(1, s.groupsPerProducer())];
        int count = 0;
        while (count < s.messagesPerProducer()) {
            int n = Math.min(1 + random.nextInt(10), s.messagesPerProducer() - count);
            List<MessageToSend> messages = new ArrayList<>();
            List<String> bodies = new ArrayList<>();
            List<Integer> groups = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                int group = s.fifo() ? random.nextInt(s.groupsPerProducer()) : -1;
                String groupId = group < 0 ? null : groupId(producer, group);
                String body = "p" + producer + "-m" + (count + k) + (groupId == null ? "" : "-" + groupId);
                messages.add(new MessageToSend(body, Map.of(), null, null, null, groupId));
                bodies.add(body);
                groups.add(group);
            }
            boolean batch = n > 1 || random.nextBoolean();
            List<SendOutcome> results =
                    batch ? service.sendBatch(s.queue(), messages) : List.of(service.send(s.queue(), messages.get(0)));
            for (int k = 0; k < n; k++) {
                SendOutcome result = results.get(k);
                int group = groups.get(k);
                if (result.error() != null || Boolean.TRUE.equals(result.duplicate())) {
                    log.error("send of " + bodies.get(k) + " answered " + result);
                    continue;
                }
                log.sent(new Sent(
                        result.messageId(),
                        bodies.get(k),
                        group < 0 ? null : groupId(producer, group),
                        producer,
                        group < 0 ? count + k : nextInGroup[group]++));
            }
            count += n;
            sleep(random.nextInt(4));
        }
    }

    private static String groupId(int producer, int group) {
        return "p" + producer + "-g" + group;
    }

    private record LateAck(Lease lease, Instant due) {}

    private void consume(
            Scenario s,
            String consumer,
            Instant crashUntil,
            Random random,
            ConcurrencyLog log,
            AtomicBoolean stop,
            Instant deadline) {
        List<LateAck> late = new ArrayList<>();
        while (!stop.get() && Instant.now().isBefore(deadline)) {
            List<Lease> dueNow = new ArrayList<>();
            Instant now = Instant.now();
            late.removeIf(l -> !l.due().isAfter(now) && dueNow.add(l.lease()));
            ack(s, dueNow, true, random, log);

            int max = 1 + random.nextInt(10);
            int wait = random.nextInt(2);
            Instant started = Instant.now();
            List<ReceivedMessage> received = service.receive(s.queue(), new ReceiveOptions(max, wait, null));
            Instant returned = Instant.now();
            long call = log.nextCall();
            List<Lease> leases = new ArrayList<>();
            for (int i = 0; i < received.size(); i++) {
                ReceivedMessage m = received.get(i);
                Lease lease = new Lease(
                        call,
                        i,
                        consumer,
                        m.messageId(),
                        m.receiptHandle(),
                        m.receiveCount(),
                        m.groupId(),
                        m.body(),
                        wait,
                        started,
                        returned);
                log.leased(lease);
                leases.add(lease);
            }
            if (received.size() > max) {
                log.error("receive of at most " + max + " returned " + received.size() + " messages in call " + call);
            }
            if (returned.isBefore(crashUntil)) {
                continue; // a crashed consumer: its leases just run out
            }
            List<Lease> ackNow = new ArrayList<>();
            for (Lease lease : leases) {
                double fate = random.nextDouble();
                if (fate < s.dropRate()) {
                    if (s.crashAbandonsBatch()) {
                        break;
                    }
                } else if (fate < s.dropRate() + s.lateRate()) {
                    long pastExpiry = 100 + random.nextInt(s.visibilitySeconds() * 1_000);
                    late.add(new LateAck(
                            lease, returned.plusSeconds(s.visibilitySeconds()).plusMillis(pastExpiry)));
                } else {
                    ackNow.add(lease);
                }
            }
            ack(s, ackNow, false, random, log);
        }
    }

    /** Acks with the batch form or one by one, recording each outcome with the times around its call. */
    private void ack(Scenario s, List<Lease> leases, boolean late, Random random, ConcurrencyLog log) {
        if (leases.isEmpty()) {
            return;
        }
        if (leases.size() > 1 && random.nextBoolean()) {
            Instant started = Instant.now();
            List<dev.mq.core.AckOutcome> results = service.ackAll(
                    s.queue(), leases.stream().map(Lease::receiptHandle).toList());
            Instant returned = Instant.now();
            for (int i = 0; i < leases.size(); i++) {
                dev.mq.core.AckOutcome result = results.get(i);
                if (!result.receiptHandle().equals(leases.get(i).receiptHandle())) {
                    log.error("ack results are not in request order: " + results);
                } else if (Boolean.TRUE.equals(result.ok())) {
                    log.acked(new Ack(leases.get(i), started, returned, AckOutcome.OK, late));
                } else if (result.error().code() == ErrorCode.LEASE_LOST) {
                    log.acked(new Ack(leases.get(i), started, returned, AckOutcome.LEASE_LOST, late));
                } else {
                    log.error("ack of " + log.describe(leases.get(i)) + " answered " + result.error());
                }
            }
            return;
        }
        for (Lease lease : leases) {
            Instant started = Instant.now();
            try {
                service.ack(s.queue(), lease.receiptHandle());
                log.acked(new Ack(lease, started, Instant.now(), AckOutcome.OK, late));
            } catch (QueueException e) {
                if (e.code() != ErrorCode.LEASE_LOST) {
                    throw e;
                }
                log.acked(new Ack(lease, started, Instant.now(), AckOutcome.LEASE_LOST, late));
            }
        }
    }

    /** Runs {@code body} once every thread is ready; anything it throws is recorded, not lost in the pool. */
    private static Runnable guarded(
            ConcurrencyLog log, String who, CountDownLatch ready, CountDownLatch go, Runnable body) {
        return () -> {
            ready.countDown();
            try {
                await(go);
                body.run();
            } catch (Throwable t) {
                StringWriter trace = new StringWriter();
                t.printStackTrace(new PrintWriter(trace));
                log.error(who + " failed: " + trace);
            }
        };
    }

    // ---------------------------------------------------------------- after the run

    /** The queue must be empty: whatever browse still shows was not deleted. */
    private List<String> leftInQueue(Scenario s, ConcurrencyLog log) {
        List<String> violations = new ArrayList<>();
        List<String> remaining = new ArrayList<>();
        String next = null;
        do {
            Page<BrowsedMessage> page = service.browse(s.queue(), 100, next);
            for (BrowsedMessage m : page.items()) {
                remaining.add(m.messageId());
                violations.add("still in the queue after the run: " + m.messageId() + " (" + m.body() + "), "
                        + m.state() + ", receiveCount " + m.receiveCount());
            }
            next = page.next();
        } while (next != null);
        remaining.stream()
                .filter(id -> !log.wasSent(id))
                .forEach(id -> violations.add("browse shows " + id + ", which no send answered"));
        return violations;
    }

    /** Fails with the first violations found, each naming its messages, leases and calls. */
    private static void assertNoViolations(List<String> violations, String summary) {
        int shown = Math.min(violations.size(), 40);
        List<String> report = new ArrayList<>(violations.subList(0, shown));
        if (violations.size() > shown) {
            report.add("... and " + (violations.size() - shown) + " more");
        }
        assertThat(report)
                .as(summary + "; " + violations.size() + " violations")
                .isEmpty();
    }

    private String summary(Scenario s, ConcurrencyLog log) {
        String text = String.format(
                "%s seed %d, run %d ms: %d sent, %d leases (%d redeliveries, %d calls returned several messages of one group),"
                        + " acks ok %d / LeaseLost %d, late acks ok %d / LeaseLost %d, %d answered ok of %d; %s; %d prompt acks answered LeaseLost,"
                        + " %d leases were taken over before their receive call returned",
                s.queue(),
                seed,
                log.runTime().toMillis(),
                log.sentCount(),
                log.leaseCount(),
                log.redeliveries(),
                log.multiMessageGroupCalls(),
                log.acks(AckOutcome.OK),
                log.acks(AckOutcome.LEASE_LOST),
                log.lateAcks(AckOutcome.OK),
                log.lateAcks(AckOutcome.LEASE_LOST),
                log.answeredOkCount(),
                s.total(),
                log.latencies(),
                log.promptAcksLost(),
                log.staleOnArrival());
        System.out.println(text);
        log.staleOnArrivalExamples(3)
                .forEach(e -> System.out.println("  taken over before the receive returned: " + e));
        return text;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
