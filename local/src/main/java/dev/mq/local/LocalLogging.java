package dev.mq.local;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Logging of the local server. The libraries under it (the AWS SDK, and the Jetty inside DynamoDB Local,
 * which log through SLF4J into java.util.logging) speak only when something is wrong, and the command
 * line logs one line per record. A logging configuration the user passes
 * ({@code -Djava.util.logging.config.file=...}) wins over both.
 */
final class LocalLogging {
    private static final String FORMAT_PROPERTY = "java.util.logging.SimpleFormatter.format";
    private static final List<String> CHATTY = List.of("software.amazon.awssdk", "org.eclipse.jetty");
    // java.util.logging holds loggers weakly; one that is collected forgets the level set here
    private static final List<Logger> quieted = new ArrayList<>();

    private LocalLogging() {}

    /** For the command line, before anything logs: the console format is read when its handler is made. */
    static void configureConsole() {
        if (!userConfigured() && System.getProperty(FORMAT_PROPERTY) == null) {
            System.setProperty(FORMAT_PROPERTY, "%1$tT %4$s %3$s: %5$s%6$s%n");
        }
    }

    /** Jetty announces every start at INFO; only its warnings matter here. */
    static synchronized void quietLibraries() {
        if (userConfigured() || !quieted.isEmpty()) {
            return;
        }
        for (String name : CHATTY) {
            Logger logger = Logger.getLogger(name);
            logger.setLevel(Level.WARNING);
            quieted.add(logger);
        }
    }

    private static boolean userConfigured() {
        return System.getProperty("java.util.logging.config.file") != null
                || System.getProperty("java.util.logging.config.class") != null;
    }
}
