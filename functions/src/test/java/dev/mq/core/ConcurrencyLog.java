package dev.mq.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * What racing producers and consumers saw of one queue, and the checks of the lease, acknowledgement
 * and FIFO-order guarantees over it.
 *
 * <p>Every time is taken on the wall clock the service also uses. A lease is known only to lie within
 * its receive call, between {@code receiveStarted} and {@code receiveReturned}; a deletion only within
 * its ack call. The checks therefore accuse the queue only when the bounds make a violation certain,
 * and then name the messages, leases and calls involved.
 */
final class ConcurrencyLog {

    /** A message a producer got a messageId for; {@code indexInGroup} is its place in its group's send order. */
    record Sent(String messageId, String body, String groupId, int producer, int indexInGroup) {}

    /** One message returned by one receive call, at {@code position} in that call's answer. */
    record Lease(
            long call,
            int position,
            String consumer,
            String messageId,
            String receiptHandle,
            int receiveCount,
            String groupId,
            String body,
            int waitSeconds,
            Instant receiveStarted,
            Instant receiveReturned) {}

    enum AckOutcome {
        OK,
        LEASE_LOST
    }

    /** One ack of one lease; {@code late} when the consumer deliberately acked after the visibility timeout. */
    record Ack(Lease lease, Instant started, Instant returned, AckOutcome outcome, boolean late) {}

    private final Instant origin;
    private final Map<String, Sent> sent = new ConcurrentHashMap<>();
    private final Queue<Lease> leases = new ConcurrentLinkedQueue<>();
    private final Queue<Ack> acks = new ConcurrentLinkedQueue<>();
    private final Queue<String> errors = new ConcurrentLinkedQueue<>();
    private final Set<String> answeredOk = ConcurrentHashMap.newKeySet();
    private final AtomicLong calls = new AtomicLong();
    private volatile Instant finished;

    ConcurrencyLog(Instant origin) {
        this.origin = origin;
    }

    // ---------------------------------------------------------------- recording (thread-safe)

    void sent(Sent message) {
        Sent earlier = sent.putIfAbsent(message.messageId(), message);
        if (earlier != null) {
            error("two sends answered the same messageId " + message.messageId() + ": " + earlier + " and " + message);
        }
    }

    long nextCall() {
        return calls.incrementAndGet();
    }

    void leased(Lease lease) {
        leases.add(lease);
    }

    void acked(Ack ack) {
        acks.add(ack);
        if (ack.outcome() == AckOutcome.OK) {
            answeredOk.add(ack.lease().messageId());
        }
    }

    void error(String what) {
        errors.add(what);
    }

    /** Messages whose ack answered ok at least once: what the consumers wait for. */
    int answeredOkCount() {
        return answeredOk.size();
    }

    /** The end of the run: the consumers were told to stop. */
    void finished(Instant at) {
        finished = at;
    }

    // ---------------------------------------------------------------- facts for the summary

    Duration runTime() {
        return finished == null ? Duration.ZERO : Duration.between(origin, finished);
    }

    List<String> errors() {
        return List.copyOf(errors);
    }

    int sentCount() {
        return sent.size();
    }

    int leaseCount() {
        return leases.size();
    }

    long redeliveries() {
        return leases.stream().filter(l -> l.receiveCount() > 1).count();
    }

    long acks(AckOutcome outcome) {
        return acks.stream().filter(a -> a.outcome() == outcome).count();
    }

    long lateAcks(AckOutcome outcome) {
        return acks.stream().filter(a -> a.late() && a.outcome() == outcome).count();
    }

    /**
     * Median and maximum time of receive calls without long polling that returned messages, and from
     * their return to the ack's start.
     */
    String latencies() {
        List<Long> receives = leases.stream()
                .filter(l -> l.position() == 0 && l.waitSeconds() == 0)
                .map(l -> Duration.between(l.receiveStarted(), l.receiveReturned())
                        .toMillis())
                .sorted()
                .toList();
        List<Long> untilAck = acks.stream()
                .filter(a -> !a.late())
                .map(a -> Duration.between(a.lease().receiveReturned(), a.started())
                        .toMillis())
                .sorted()
                .toList();
        return "receive p50 " + percentile(receives, 50) + " / max " + percentile(receives, 100)
                + " ms, receive-to-ack p50 " + percentile(untilAck, 50) + " / p90 " + percentile(untilAck, 90)
                + " / max " + percentile(untilAck, 100) + " ms";
    }

    private static long percentile(List<Long> sorted, int p) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100));
    }

    /**
     * Leases whose message was certainly taken over before the receive call that took the lease even
     * returned: the next lease's receive call returned first. The consumer got a handle that was
     * already stale (it learns so only from LeaseLost). Not a double lease, since the first had
     * expired; reported, not asserted.
     */
    long staleOnArrival() {
        return staleOnArrivalExamples(Integer.MAX_VALUE).size();
    }

    List<String> staleOnArrivalExamples(int limit) {
        List<String> examples = new ArrayList<>();
        for (List<Lease> ofMessage : leasesByMessage().values()) {
            for (int k = 1; k < ofMessage.size() && examples.size() < limit; k++) {
                Lease taken = ofMessage.get(k - 1);
                Lease takenOver = ofMessage.get(k);
                if (takenOver.receiveReturned().isBefore(taken.receiveReturned())) {
                    examples.add(taken.messageId() + ": lease #" + taken.receiveCount() + " " + describe(taken)
                            + " was taken over by lease #" + takenOver.receiveCount() + " " + describe(takenOver));
                }
            }
        }
        return examples;
    }

    /** Acks made right after the receive (not deliberately late) that still answered LeaseLost. */
    long promptAcksLost() {
        return acks.stream()
                .filter(a -> !a.late() && a.outcome() == AckOutcome.LEASE_LOST)
                .count();
    }

    long multiMessageGroupCalls() {
        return leases.stream()
                .filter(l -> l.groupId() != null)
                .collect(Collectors.groupingBy(l -> l.call() + "/" + l.groupId(), Collectors.counting()))
                .values()
                .stream()
                .filter(n -> n > 1)
                .count();
    }

    // ---------------------------------------------------------------- checks

    /**
     * (a) and (d): the leases of a message are numbered 1, 2, 3... by receiveCount, each once, and
     * lease k+1 was taken only after lease k expired. Lease k lasts at least until its receive call
     * started plus the visibility timeout, and lease k+1 was taken before its receive call returned;
     * so the later return must not come earlier than that, less {@code tolerance} for clock granularity.
     * Also: every delivered message was sent, with the body that was sent.
     */
    List<String> checkLeases(Duration visibility, Duration tolerance) {
        List<String> violations = new ArrayList<>();
        for (Map.Entry<String, List<Lease>> e : leasesByMessage().entrySet()) {
            String id = e.getKey();
            List<Lease> ofMessage = e.getValue();
            Sent original = sent.get(id);
            if (original == null) {
                violations.add("message " + id + " was delivered but no send answered that id: " + describe(ofMessage));
                continue;
            }
            for (Lease l : ofMessage) {
                if (!l.body().equals(original.body())) {
                    violations.add("message " + id + " was sent with body '" + original.body()
                            + "' but delivered with '" + l.body() + "' in " + describe(l));
                }
                if (!Objects.equals(l.groupId(), original.groupId())) {
                    violations.add("message " + id + " was sent in group " + original.groupId()
                            + " but delivered in group " + l.groupId() + " in " + describe(l));
                }
            }
            for (int k = 0; k < ofMessage.size(); k++) {
                Lease lease = ofMessage.get(k);
                if (lease.receiveCount() != k + 1) {
                    violations.add("message " + id + ": receive counts are not 1.." + ofMessage.size()
                            + " each once (a double lease or a lease nobody got back): " + describe(ofMessage));
                    break;
                }
            }
            for (int k = 1; k < ofMessage.size(); k++) {
                Lease previous = ofMessage.get(k - 1);
                Lease next = ofMessage.get(k);
                Instant earliestExpiry =
                        previous.receiveStarted().plus(visibility).minus(tolerance);
                if (next.receiveReturned().isBefore(earliestExpiry)) {
                    violations.add("message " + id + " was leased again before its lease expired: lease #"
                            + next.receiveCount() + " " + describe(next) + " returned "
                            + Duration.between(previous.receiveStarted(), next.receiveReturned())
                                    .toMillis()
                            + " ms after the receive of lease #" + previous.receiveCount() + " " + describe(previous)
                            + " started; the visibility timeout is " + visibility.toMillis() + " ms");
                }
            }
        }
        return violations;
    }

    /**
     * (b) and (c): every sent message was delivered and deleted by exactly one ack, the one of its
     * newest lease. An ack of an older lease may answer ok only because the message was already gone
     * (acks are idempotent), so it must not have returned before the newest lease's ack started; and
     * it may answer LeaseLost only once a later lease existed.
     */
    List<String> checkAcks(Duration tolerance) {
        List<String> violations = new ArrayList<>();
        Map<String, List<Lease>> byMessage = leasesByMessage();
        Map<String, List<Ack>> acksByHandle =
                acks.stream().collect(Collectors.groupingBy(a -> a.lease().receiptHandle()));
        for (Sent message : sentInOrder()) {
            List<Lease> ofMessage = byMessage.getOrDefault(message.messageId(), List.of());
            if (ofMessage.isEmpty()) {
                violations.add(
                        "message " + message.messageId() + " (" + message.body() + ") was sent but never delivered");
                continue;
            }
            Lease newest = ofMessage.get(ofMessage.size() - 1);
            List<Ack> newestAcks = acksByHandle.getOrDefault(newest.receiptHandle(), List.of());
            Ack deleting = newestAcks.stream()
                    .filter(a -> a.outcome() == AckOutcome.OK)
                    .findFirst()
                    .orElse(null);
            if (deleting == null) {
                violations.add("message " + message.messageId() + " (" + message.body()
                        + ") was never acknowledged through its newest lease #" + newest.receiveCount()
                        + " " + describe(newest) + "; its acks: " + describeAcks(ofMessage, acksByHandle)
                        + (newestAcks.isEmpty() ? " (that consumer dropped it, and the run ended)" : ""));
            }
            for (Ack lost : newestAcks) {
                if (lost.outcome() == AckOutcome.LEASE_LOST) {
                    violations.add("message " + message.messageId() + ": the ack of its newest lease #"
                            + newest.receiveCount() + " " + describe(newest) + " answered LeaseLost, but nobody"
                            + " received the message after it: " + describe(lost));
                }
            }
            for (int k = 0; k < ofMessage.size() - 1; k++) {
                Lease older = ofMessage.get(k);
                Lease successor = ofMessage.get(k + 1);
                for (Ack ack : acksByHandle.getOrDefault(older.receiptHandle(), List.of())) {
                    if (ack.outcome() == AckOutcome.LEASE_LOST
                            && ack.returned().plus(tolerance).isBefore(successor.receiveStarted())) {
                        violations.add("message " + message.messageId() + ": the ack of lease #" + older.receiveCount()
                                + " answered LeaseLost " + describe(ack) + " before anyone received it again (lease #"
                                + successor.receiveCount() + " " + describe(successor) + ")");
                    }
                    if (ack.outcome() == AckOutcome.OK
                            && (deleting == null
                                    || ack.returned().plus(tolerance).isBefore(deleting.started()))) {
                        violations.add("message " + message.messageId() + ": the superseded handle of lease #"
                                + older.receiveCount() + " " + describe(older) + " was acked ok " + describe(ack)
                                + " while the message was not yet deleted through its newest lease #"
                                + newest.receiveCount() + " " + describe(newest)
                                + (deleting == null ? " (never acked)" : ", acked " + describe(deleting))
                                + ": a stale handle deleted it, or it was delivered again after being acked");
                    }
                }
            }
        }
        return violations;
    }

    /**
     * FIFO: within a group, a message is delivered only when every earlier message of its group is
     * gone, or is returned before it by the same receive call. An earlier message is certainly still
     * there until the first ok ack of it started; a receive that returned before that moment and
     * delivered the later message alone broke the order, whether the earlier one was in flight
     * (blocking its group) or waiting to be delivered first. Also checked separately: first deliveries
     * follow send order.
     */
    List<String> checkGroupOrder(Duration visibility, Duration tolerance) {
        List<String> violations = new ArrayList<>();
        Map<String, List<Lease>> byMessage = leasesByMessage();
        Map<Long, List<Lease>> byCall = leases.stream().collect(Collectors.groupingBy(Lease::call));
        Map<String, Instant> presentUntil = new HashMap<>();
        for (Ack ack : acks) {
            if (ack.outcome() == AckOutcome.OK) {
                presentUntil.merge(ack.lease().messageId(), ack.started(), (a, b) -> a.isBefore(b) ? a : b);
            }
        }
        for (Map.Entry<String, List<Sent>> group : sentByGroup().entrySet()) {
            List<Sent> order = group.getValue();
            for (int i = 0; i < order.size(); i++) {
                Sent later = order.get(i);
                for (Lease lease : byMessage.getOrDefault(later.messageId(), List.of())) {
                    Set<String> before = byCall.get(lease.call()).stream()
                            .filter(l -> l.position() < lease.position())
                            .map(Lease::messageId)
                            .collect(Collectors.toSet());
                    for (int j = 0; j < i; j++) {
                        Sent earlier = order.get(j);
                        if (before.contains(earlier.messageId())) {
                            continue;
                        }
                        Instant gone = presentUntil.getOrDefault(earlier.messageId(), Instant.MAX);
                        if (lease.receiveReturned().plus(tolerance).isBefore(gone)) {
                            List<Lease> earlierLeases = byMessage.getOrDefault(earlier.messageId(), List.of());
                            violations.add("group " + group.getKey() + ": message #" + i + " " + later.messageId()
                                    + " (" + later.body() + ") was delivered " + describe(lease)
                                    + " while earlier message #"
                                    + j + " " + earlier.messageId() + " (" + earlier.body()
                                    + ") was still in the queue "
                                    + stateOf(earlierLeases, lease, visibility)
                                    + " and not returned before it by that call"
                                    + " (its first ok ack started " + (gone == Instant.MAX ? "never" : rel(gone))
                                    + "; its leases: " + describe(earlierLeases) + "; that call returned "
                                    + byCall.get(lease.call()).stream()
                                            .sorted(Comparator.comparingInt(Lease::position))
                                            .map(Lease::body)
                                            .toList()
                                    + ")");
                            break; // one earlier message is enough to show the break in order
                        }
                    }
                }
            }
            for (int i = 1; i < order.size(); i++) {
                Lease firstOfLater = first(byMessage, order.get(i));
                for (int j = 0; j < i && firstOfLater != null; j++) {
                    Lease firstOfEarlier = first(byMessage, order.get(j));
                    boolean overtook = firstOfEarlier == null
                            || (firstOfEarlier.call() == firstOfLater.call()
                                    ? firstOfLater.position() < firstOfEarlier.position()
                                    : firstOfLater
                                            .receiveReturned()
                                            .plus(tolerance)
                                            .isBefore(firstOfEarlier.receiveStarted()));
                    if (overtook) {
                        violations.add("group " + group.getKey() + ": first deliveries are out of send order: #" + i
                                + " " + order.get(i).body() + " first came " + describe(firstOfLater) + ", earlier #"
                                + j
                                + " " + order.get(j).body() + " first came "
                                + (firstOfEarlier == null ? "never" : describe(firstOfEarlier)));
                        break;
                    }
                }
            }
        }
        return violations;
    }

    private String stateOf(List<Lease> earlierLeases, Lease at, Duration visibility) {
        for (Lease l : earlierLeases) {
            boolean certainlyLeased = l.call() != at.call()
                    && !l.receiveReturned().isAfter(at.receiveStarted())
                    && !at.receiveReturned().isAfter(l.receiveStarted().plus(visibility));
            if (certainlyLeased) {
                return "in flight (lease #" + l.receiveCount() + " " + describe(l) + " had not expired)";
            }
        }
        return "(not leased at the time, or its lease had expired)";
    }

    // ---------------------------------------------------------------- views

    /** Leases per message, ordered by receive count (a duplicate count stays, for the check to see). */
    private Map<String, List<Lease>> leasesByMessage() {
        Map<String, List<Lease>> byMessage = new TreeMap<>();
        for (Lease l : leases) {
            byMessage.computeIfAbsent(l.messageId(), k -> new ArrayList<>()).add(l);
        }
        byMessage
                .values()
                .forEach(list ->
                        list.sort(Comparator.comparingInt(Lease::receiveCount).thenComparing(Lease::receiveStarted)));
        return byMessage;
    }

    private List<Sent> sentInOrder() {
        return sent.values().stream()
                .sorted(Comparator.comparingInt(Sent::producer).thenComparing(Sent::body))
                .toList();
    }

    /** Each group's messages in the order its one producer got answers for them. */
    Map<String, List<Sent>> sentByGroup() {
        Map<String, List<Sent>> groups = new TreeMap<>();
        for (Sent s : sent.values()) {
            if (s.groupId() != null) {
                groups.computeIfAbsent(s.groupId(), k -> new ArrayList<>()).add(s);
            }
        }
        groups.values().forEach(list -> list.sort(Comparator.comparingInt(Sent::indexInGroup)));
        return groups;
    }

    boolean wasSent(String messageId) {
        return sent.containsKey(messageId);
    }

    private static Lease first(Map<String, List<Lease>> byMessage, Sent message) {
        return byMessage.getOrDefault(message.messageId(), List.of()).stream()
                .filter(l -> l.receiveCount() == 1)
                .findFirst()
                .orElse(null);
    }

    // ---------------------------------------------------------------- descriptions

    String rel(Instant t) {
        return "t+" + Duration.between(origin, t).toMillis() + "ms";
    }

    String describe(Lease l) {
        return "[call " + l.call() + " pos " + l.position() + " by " + l.consumer() + ", rc " + l.receiveCount()
                + ", receive " + rel(l.receiveStarted()) + ".." + rel(l.receiveReturned()) + "]";
    }

    private String describe(List<Lease> ls) {
        return ls.stream().map(this::describe).collect(Collectors.joining(", ", "{", "}"));
    }

    private String describe(Ack a) {
        return "[" + a.outcome() + (a.late() ? " late" : "") + " ack by "
                + a.lease().consumer() + " of rc " + a.lease().receiveCount() + ", " + rel(a.started()) + ".."
                + rel(a.returned()) + "]";
    }

    private String describeAcks(List<Lease> ofMessage, Map<String, List<Ack>> acksByHandle) {
        List<String> described = new ArrayList<>();
        for (Lease l : ofMessage) {
            acksByHandle.getOrDefault(l.receiptHandle(), List.of()).forEach(a -> described.add(describe(a)));
        }
        return described.isEmpty() ? "none" : String.join(", ", described);
    }
}
