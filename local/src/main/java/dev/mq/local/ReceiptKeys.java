package dev.mq.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The key receipt handles are signed with. A data directory keeps its key in {@value #FILE_NAME}, so
 * handles issued before a restart still ack after it; an in-memory server draws a fresh key each start,
 * as its messages do not outlive it either.
 */
final class ReceiptKeys {
    static final String FILE_NAME = "receipt.key";
    private static final int KEY_BYTES = 32;
    private static final int MIN_KEY_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ReceiptKeys() {}

    static byte[] random() {
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        return key;
    }

    /** Reads the directory's key, creating it on first use. The file holds the key in Base64. */
    static byte[] loadOrCreate(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            create(file);
        }
        return read(file);
    }

    private static byte[] read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " does not hold a Base64 key; delete it to make a new one "
                    + "(receipt handles issued so far then stop working)");
        }
        if (key.length < MIN_KEY_BYTES) {
            throw new IOException(
                    file + " holds " + key.length + " bytes; a receipt key needs at least " + MIN_KEY_BYTES);
        }
        return key;
    }

    /**
     * Writes a new key to a temporary file readable by its owner only and links it into place: a crash
     * never leaves a half-written key, and a link, unlike a rename, never replaces a key another process
     * wrote meanwhile.
     */
    private static void create(Path file) throws IOException {
        Path temp = ownerOnlyTempFile(file.getParent());
        try {
            Files.writeString(temp, Base64.getEncoder().encodeToString(random()) + "\n", StandardCharsets.US_ASCII);
            publish(temp, file);
        } catch (FileAlreadyExistsException raced) {
            // another process created it first: its key is the one in use
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void publish(Path temp, Path file) throws IOException {
        try {
            Files.createLink(file, temp);
        } catch (UnsupportedOperationException noHardLinks) {
            Files.move(temp, file);
        }
    }

    private static Path ownerOnlyTempFile(Path dir) throws IOException {
        try {
            return Files.createTempFile(
                    dir,
                    FILE_NAME,
                    ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            return Files.createTempFile(dir, FILE_NAME, ".tmp");
        }
    }
}
