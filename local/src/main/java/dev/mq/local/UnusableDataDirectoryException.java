package dev.mq.local;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The data directory cannot be used: it is not a directory this user can write, or another local server
 * holds it. The message is one line that names the directory and the reason, fit to show a user as it is.
 */
public final class UnusableDataDirectoryException extends IOException {
    UnusableDataDirectoryException(Path directory, String reason) {
        super("cannot use " + directory + " as the data directory: " + reason);
    }
}
