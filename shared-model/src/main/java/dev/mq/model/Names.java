package dev.mq.model;

import java.util.regex.Pattern;

/** The naming rules of queues, topics and subscriptions. FIFO is decided by the name alone. */
public final class Names {
    private static final Pattern STANDARD = Pattern.compile("[A-Za-z0-9_-]{1,80}");
    private static final Pattern FIFO = Pattern.compile("[A-Za-z0-9_-]{1,75}\\.fifo");

    /**
     * Queues whose names start with this belong to mq itself (the endpoint delivery queue): the API
     * neither lists them nor lets a request name them, so no user can send into, drain, purge or delete
     * what the delivery machinery relies on.
     */
    public static final String INTERNAL_PREFIX = "_mq-";

    private Names() {}

    public static boolean isInternal(String queueName) {
        return queueName != null && queueName.startsWith(INTERNAL_PREFIX);
    }

    /**
     * A queue name a request gives: {@code InvalidRequest} when it names one of mq's internal queues
     * (whether or not it exists); otherwise the name, as it was.
     */
    public static String refuseInternal(String name) {
        if (isInternal(name)) {
            throw QueueException.invalid("queue name '" + printable(name) + "' is reserved: names starting with "
                    + INTERNAL_PREFIX + " belong to mq's internal queues");
        }
        return name;
    }

    /** A valid queue name that is not one of mq's internal ones (see {@link #refuseInternal}). */
    public static String requireUserQueueName(String name) {
        return refuseInternal(requireQueueName(name));
    }

    public static boolean isFifo(String queueName) {
        return queueName.endsWith(".fifo");
    }

    /** Checks a queue name, answering {@code InvalidRequest} for anything the API does not allow. */
    public static String requireQueueName(String name) {
        if (name == null
                || !(STANDARD.matcher(name).matches() || FIFO.matcher(name).matches())) {
            throw QueueException.invalid("invalid queue name '" + printable(name)
                    + "': use 1-80 of A-Z a-z 0-9 _ -, or 1-75 of them followed by .fifo");
        }
        return name;
    }

    /** Topic and subscription names: no FIFO suffix. */
    public static String requirePlainName(String kind, String name) {
        if (name == null || !STANDARD.matcher(name).matches()) {
            throw QueueException.invalid(
                    "invalid " + kind + " name '" + printable(name) + "': use 1-80 of A-Z a-z 0-9 _ -");
        }
        return name;
    }

    /** Shortens and cleans a client-supplied string before it is echoed in an error message. */
    public static String printable(String s) {
        if (s == null) {
            return "";
        }
        String cut = s.length() > 100 ? s.substring(0, 100) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
