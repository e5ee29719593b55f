package dev.mq.local;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Ctrl-C is how a person stops the local server, not a failure: the JVM would exit with status 130 after
 * SIGINT, so INT and TERM are turned into {@code System.exit(0)}, which runs the same shutdown hooks.
 * Where the JVM does not offer these signals, the default behaviour (hooks, then a non-zero status) stays.
 * {@code sun.misc.Signal} is the only way to do this in Java 17 (javac warns about it, and cannot be told not to).
 */
final class ShutdownSignals {
    private static final Logger LOG = Logger.getLogger(ShutdownSignals.class.getName());

    private ShutdownSignals() {}

    static void exitZeroOnInterrupt() {
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> System.exit(0));
            } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
                LOG.log(Level.FINE, "cannot handle SIG" + name, e);
            }
        }
    }
}
