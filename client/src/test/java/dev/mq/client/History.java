package dev.mq.client;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * What clients saw, and the check of it, in the style of Jepsen's total-queue check. Producers record
 * each send and whether it was answered OK; consumers record each delivery and each ack answered OK.
 * After the queue is drained:
 * <ul>
 *   <li>no loss: every message whose send was answered OK was delivered and acknowledged;</li>
 *   <li>nothing invented: every delivery is of a message some producer sent;</li>
 *   <li>no delivery after an acknowledgement: a message whose ack was answered OK is never delivered by a
 *       receive that began after that answer;</li>
 *   <li>duplicates are counted: deliveries after the first, each explained by a consumer that crashed,
 *       an ack that failed, or a lease that ran out;</li>
 *   <li>FIFO: within a group, messages are acknowledged in the order they were sent, by when each ack that
 *       was answered OK was asked for (its answer may come later: an ack whose first answer was lost and
 *       whose retry found the message gone is answered after the group's next message was acked).</li>
 * </ul>
 */
final class History {
    record Delivery(String body, long receiveStartNanos, long receivedNanos) {}

    private record Ack(long askedNanos, String body) {}

    private final Set<String> attempted = ConcurrentHashMap.newKeySet();
    private final Set<String> sentOk = ConcurrentHashMap.newKeySet();
    private final Set<String> sendUnknown = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<Delivery> deliveries = new ConcurrentLinkedQueue<>();
    private final Map<String, Long> ackedAt = new ConcurrentHashMap<>();
    /** Per group, the acks answered OK: when each was asked for, and of what. */
    private final Map<String, List<Ack>> acksByGroup = new ConcurrentHashMap<>();

    private final Set<String> crashed = ConcurrentHashMap.newKeySet();
    private final Set<String> ackFailed = ConcurrentHashMap.newKeySet();

    void attempt(String body) {
        attempted.add(body);
    }

    void sent(String body) {
        sentOk.add(body);
        sendUnknown.remove(body);
    }

    void sendFailed(String body) {
        if (!sentOk.contains(body)) {
            sendUnknown.add(body);
        }
    }

    void delivered(String body, long receiveStartNanos) {
        deliveries.add(new Delivery(body, receiveStartNanos, System.nanoTime()));
    }

    void crashedOn(String body) {
        crashed.add(body);
    }

    void acked(String body, String group) {
        acked(body, group, System.nanoTime());
    }

    /** An ack asked for at {@code askedNanos} was answered OK. */
    void acked(String body, String group, long askedNanos) {
        ackedAt.putIfAbsent(body, System.nanoTime());
        if (group != null) {
            acksByGroup
                    .computeIfAbsent(group, g -> java.util.Collections.synchronizedList(new ArrayList<>()))
                    .add(new Ack(askedNanos, body));
        }
    }

    void ackFailed(String body) {
        ackFailed.add(body);
    }

    /**
     * A push consumer's ack is the server's, after the consumer's answer, and the consumer never hears
     * whether it held: when a message acked so comes back on a new lease, that ack did not hold (the
     * server's ack failed, or the lease ran out first). It is then treated as a pull ack that was not
     * answered OK: forgotten, so the message must still be acked later, in its group's order.
     */
    void ackDidNotHold(String body) {
        if (ackedAt.remove(body) != null) {
            ackFailed.add(body);
            for (List<Ack> acks : acksByGroup.values()) {
                acks.removeIf(ack -> ack.body().equals(body));
            }
        }
    }

    boolean isAcked(String body) {
        return ackedAt.containsKey(body);
    }

    /** Every message answered OK has been acknowledged: the run may stop. */
    boolean drained() {
        return ackedAt.keySet().containsAll(sentOk);
    }

    long acked() {
        return ackedAt.size();
    }

    /** The verdict, with the counts. */
    record Verdict(
            int sent,
            int sendsUnknown,
            int delivered,
            int duplicated,
            int lost,
            int invented,
            int deliveredAfterAck,
            int fifoOrderViolations,
            int crashes,
            int failedAcks) {
        boolean ok() {
            return lost == 0 && invented == 0 && deliveredAfterAck == 0 && fifoOrderViolations == 0;
        }
    }

    Verdict check() {
        Set<String> lost = new HashSet<>(sentOk);
        lost.removeAll(ackedAt.keySet());
        int invented = 0;
        int afterAck = 0;
        Map<String, Integer> timesDelivered = new HashMap<>();
        for (Delivery d : deliveries) {
            if (!attempted.contains(d.body())) {
                invented++;
            }
            Long acked = ackedAt.get(d.body());
            if (acked != null && d.receiveStartNanos() > acked) {
                afterAck++;
            }
            timesDelivered.merge(d.body(), 1, Integer::sum);
        }
        int duplicated = timesDelivered.values().stream().mapToInt(n -> n - 1).sum();
        int fifoViolations = 0;
        for (List<Ack> acks : acksByGroup.values()) {
            List<String> order;
            synchronized (acks) {
                order = acks.stream()
                        .sorted(java.util.Comparator.comparingLong(Ack::askedNanos))
                        .map(Ack::body)
                        .toList();
            }
            for (int i = 1; i < order.size(); i++) {
                if (sequence(order.get(i)) < sequence(order.get(i - 1))) {
                    fifoViolations++;
                    System.out.println("FIFO order: " + order.get(i) + " acked after " + order.get(i - 1)
                            + "; the group's acks: " + order + "; deliveries: " + deliveriesOf(order));
                }
            }
        }
        return new Verdict(
                sentOk.size(),
                sendUnknown.size(),
                timesDelivered.size(),
                duplicated,
                lost.size(),
                invented,
                afterAck,
                fifoViolations,
                crashed.size(),
                ackFailed.size());
    }

    /** In order, each delivery of the bodies named, with when its receive began and ended (ms from the first). */
    private List<String> deliveriesOf(List<String> bodies) {
        long first =
                deliveries.stream().mapToLong(Delivery::receiveStartNanos).min().orElse(0);
        List<String> seen = new ArrayList<>();
        for (Delivery d : deliveries) {
            if (bodies.contains(d.body())) {
                seen.add(d.body() + "@" + (d.receiveStartNanos() - first) / 1_000_000 + "-"
                        + (d.receivedNanos() - first) / 1_000_000
                        + (ackFailed.contains(d.body()) ? "(ack failed once)" : ""));
            }
        }
        return seen;
    }

    /** Bodies are {@code <producer>-<sequence>}. */
    static String body(int producer, int sequence) {
        return "p" + producer + "-" + sequence;
    }

    private static int sequence(String body) {
        return Integer.parseInt(body.substring(body.indexOf('-') + 1));
    }

    static Map<String, Object> describe(Verdict v) {
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("sent", v.sent());
        counts.put("sendsUnknown", v.sendsUnknown());
        counts.put("delivered", v.delivered());
        counts.put("duplicated", v.duplicated());
        counts.put("lost", v.lost());
        counts.put("invented", v.invented());
        counts.put("deliveredAfterAck", v.deliveredAfterAck());
        counts.put("fifoOrderViolations", v.fifoOrderViolations());
        counts.put("consumerCrashes", v.crashes());
        counts.put("failedAcks", v.failedAcks());
        return counts;
    }
}
