package dev.mq.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A local server's data directory, checked and claimed before DynamoDB Local opens its database there.
 *
 * <p>DynamoDB Local checks neither: in a directory it cannot write it logs a stack trace every few
 * seconds and never gives up, and two servers on one directory both run on the same database file. So
 * {@link #claim} first makes sure the path is a directory this user can read and write (creating it when
 * missing), then takes an OS lock on {@value #LOCK_FILE} in it, held until {@link #close()}. The lock
 * file holds the owner's pid, so a refused server can say which process is in the way. The OS drops the
 * lock when its process ends, however it ends, so a crashed server never leaves the directory claimed;
 * the file itself stays, as deleting it would let two servers lock two different files of that name.
 */
final class DataDirectory implements AutoCloseable {
    static final String LOCK_FILE = "mq-local.lock";

    /*
     * An OS file lock belongs to the process, and on Linux closing any descriptor of the file drops it. So a
     * directory claimed by this process is refused from this set, without opening its lock file again.
     */
    private static final Set<Path> claimedInThisProcess = new HashSet<>();

    private final Path path;
    private final FileChannel lockFile;
    private final FileLock lock;

    private DataDirectory(Path path, FileChannel lockFile, FileLock lock) {
        this.path = path;
        this.lockFile = lockFile;
        this.lock = lock;
    }

    /**
     * Makes {@code dir} (and its parents) when missing, checks this user can use it, and locks it.
     *
     * @throws UnusableDataDirectoryException when it is not a usable directory or another server holds it;
     *                                        nothing is held then
     */
    static DataDirectory claim(Path dir) throws UnusableDataDirectoryException {
        Path path = dir.toAbsolutePath().normalize();
        createIfMissing(path);
        checkAccess(path);
        return lock(path);
    }

    Path path() {
        return path;
    }

    /** Releases the lock; another server may use the directory from now on. */
    @Override
    public void close() {
        try {
            lockFile.truncate(0); // the pid in it would otherwise outlive the process it names
            lock.release();
            lockFile.close();
        } catch (IOException e) {
            // closing the channel releases the lock in any case; the process ending does too
        } finally {
            synchronized (claimedInThisProcess) {
                claimedInThisProcess.remove(path);
            }
        }
    }

    private static void createIfMissing(Path path) throws UnusableDataDirectoryException {
        if (Files.exists(path) && !Files.isDirectory(path)) {
            throw new UnusableDataDirectoryException(path, "it is a file, not a directory");
        }
        try {
            Files.createDirectories(path);
        } catch (IOException e) {
            throw new UnusableDataDirectoryException(path, "cannot create it: " + whyNotCreated(path, e));
        }
    }

    /** The system's reasons name the directory asked for; the one in the way is usually an ancestor. */
    private static String whyNotCreated(Path path, IOException e) {
        Path existing = path.getParent();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing != null && !Files.isDirectory(existing)) {
            return existing + " is a file, not a directory";
        }
        if (existing != null && (!Files.isWritable(existing) || !Files.isExecutable(existing))) {
            return "this user cannot write in " + existing;
        }
        return reason(e);
    }

    /**
     * The database file matters as much as the directory: SQLite writes its journal beside it and then the
     * file itself. Root passes every such check, as it can write anywhere.
     */
    private static void checkAccess(Path path) throws UnusableDataDirectoryException {
        if (!Files.isReadable(path) || !Files.isWritable(path) || !Files.isExecutable(path)) {
            throw new UnusableDataDirectoryException(path, "this user cannot read and write in it");
        }
        Path database = path.resolve(EmbeddedDynamoDb.DATABASE_FILE);
        if (Files.exists(database) && (!Files.isReadable(database) || !Files.isWritable(database))) {
            throw new UnusableDataDirectoryException(
                    path, "this user cannot read and write its database file " + database.getFileName());
        }
    }

    private static DataDirectory lock(Path path) throws UnusableDataDirectoryException {
        Path lockPath = path.resolve(LOCK_FILE);
        Path real;
        try {
            // one directory may be spelt many ways (a symlink, ..): a second claim must be seen as one, as
            // a second channel on the lock file would drop this process's lock when it is closed
            real = path.toRealPath();
        } catch (IOException e) {
            throw new UnusableDataDirectoryException(path, reason(e));
        }
        synchronized (claimedInThisProcess) {
            if (claimedInThisProcess.contains(real)) {
                throw inUse(path, OptionalLong.of(ProcessHandle.current().pid()));
            }
            FileChannel channel;
            try {
                channel = FileChannel.open(
                        lockPath, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            } catch (IOException e) {
                throw new UnusableDataDirectoryException(path, "cannot open its lock file: " + reason(e));
            }
            FileLock lock;
            try {
                lock = channel.tryLock();
                if (lock != null) {
                    writePid(channel);
                }
            } catch (OverlappingFileLockException e) {
                // held in this process, by code other than this class: refused all the same
                closeQuietly(channel);
                throw inUse(path, OptionalLong.of(ProcessHandle.current().pid()));
            } catch (IOException e) {
                closeQuietly(channel);
                throw new UnusableDataDirectoryException(path, "cannot lock " + LOCK_FILE + " in it: " + reason(e));
            }
            if (lock == null) {
                OptionalLong owner = ownerPid(channel);
                closeQuietly(channel);
                throw inUse(path, owner);
            }
            claimedInThisProcess.add(real);
            return new DataDirectory(real, channel, lock);
        }
    }

    private static UnusableDataDirectoryException inUse(Path path, OptionalLong owner) {
        String who = owner.isPresent()
                ? "another mq local server (pid " + owner.getAsLong() + ")"
                : "another mq local server";
        return new UnusableDataDirectoryException(
                path, who + " is using it; stop that one or choose another directory");
    }

    private static void writePid(FileChannel channel) throws IOException {
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
    }

    /** Empty when the owner has not written it yet, or the system does not let a locked file be read. */
    private static OptionalLong ownerPid(FileChannel channel) {
        try {
            ByteBuffer content = ByteBuffer.allocate(32);
            channel.read(content, 0);
            String text = new String(content.array(), 0, content.position(), StandardCharsets.US_ASCII).strip();
            return text.matches("\\d{1,19}") ? OptionalLong.of(Long.parseLong(text)) : OptionalLong.empty();
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException denied) {
            return "permission denied (" + denied.getFile() + ")";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason() + " (" + fs.getFile() + ")";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // it held no lock
        }
    }
}
