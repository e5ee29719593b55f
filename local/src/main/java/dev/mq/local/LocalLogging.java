package dev.mq.local;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Logging of the local server. The libraries under it (the AWS SDK, and the Jetty inside DynamoDB Local,
 * which log through SLF4J into java.util.logging; DynamoDB Local's AWS SDK 1, through Commons Logging
 * into it too) speak only when something is wrong, and the command line logs one line per record. A
 * logging configuration the user passes ({@code -Djava.util.logging.config.file=...}) wins over both.
 */
final class LocalLogging {
    private static final String FORMAT_PROPERTY = "java.util.logging.SimpleFormatter.format";
    /**
     * Jetty announces every start at INFO; only its warnings matter here. DynamoDB Local's copy of the AWS
     * SDK 1 looks for JAXB's Base64 codec, gone from the JDK since 11, and warns on every start that it uses
     * its own, which works and only "may be less performant": that class's warnings say nothing else.
     * Apache HttpClient, under the DynamoDB clients, logs every request and answer byte for byte at FINE
     * (its wire log): stored message bodies and subscription secrets would reach the log.
     */
    private static final Map<String, Level> CHATTY = Map.of(
            "software.amazon.awssdk", Level.WARNING,
            "org.apache.hc", Level.WARNING,
            "org.eclipse.jetty", Level.WARNING,
            "com.amazonaws.util.Base64", Level.SEVERE);
    // java.util.logging holds loggers weakly; one that is collected forgets the level set here
    private static final List<Logger> quieted = new ArrayList<>();

    private LocalLogging() {}

    /** For the command line, before anything logs: the console format is read when its handler is made. */
    static void configureConsole() {
        if (!userConfigured() && System.getProperty(FORMAT_PROPERTY) == null) {
            System.setProperty(FORMAT_PROPERTY, "%1$tT %4$s %3$s: %5$s%6$s%n");
        }
    }

    /** Keeps the libraries to what a user needs to know (see {@link #CHATTY}). */
    static synchronized void quietLibraries() {
        if (userConfigured() || !quieted.isEmpty()) {
            return;
        }
        CHATTY.forEach((name, level) -> {
            Logger logger = Logger.getLogger(name);
            logger.setLevel(level);
            quieted.add(logger);
        });
    }

    private static boolean userConfigured() {
        return System.getProperty("java.util.logging.config.file") != null
                || System.getProperty("java.util.logging.config.class") != null;
    }
}
