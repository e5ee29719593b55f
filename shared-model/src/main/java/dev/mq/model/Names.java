package dev.mq.model;

import java.util.regex.Pattern;

/** The naming rules of queues, topics and subscriptions. FIFO is decided by the name alone. */
public final class Names {
    private static final Pattern STANDARD = Pattern.compile("[A-Za-z0-9_-]{1,80}");
    private static final Pattern FIFO = Pattern.compile("[A-Za-z0-9_-]{1,75}\\.fifo");

    private Names() {}

    public static boolean isFifo(String queueName) {
        return queueName.endsWith(".fifo");
    }

    /** Checks a queue name, answering {@code InvalidRequest} for anything the API does not allow. */
    public static String requireQueueName(String name) {
        if (name == null || !(STANDARD.matcher(name).matches() || FIFO.matcher(name).matches())) {
            throw QueueException.invalid("invalid queue name '" + printable(name)
                    + "': use 1-80 of A-Z a-z 0-9 _ -, or 1-75 of them followed by .fifo");
        }
        return name;
    }

    /** Topic and subscription names: no FIFO suffix. */
    public static String requirePlainName(String kind, String name) {
        if (name == null || !STANDARD.matcher(name).matches()) {
            throw QueueException.invalid("invalid " + kind + " name '" + printable(name)
                    + "': use 1-80 of A-Z a-z 0-9 _ -");
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
