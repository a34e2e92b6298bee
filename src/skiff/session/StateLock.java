package skiff.session;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The DHT's state file (its node id and nodes) is one process's at a time: {@code FILE.lock}
 * beside it, locked by the OS and so released however the process ends. A second skiff of the
 * same user (another terminal, another folder) would otherwise run a node with the first one's
 * id, each dropping the other's messages as reflections of its own; it takes an id of its own
 * instead and leaves the file to the first.
 */
final class StateLock implements AutoCloseable {
    private final FileChannel channel;
    private final boolean ours;

    private StateLock(FileChannel channel, boolean ours) {
        this.channel = channel;
        this.ours = ours;
    }

    /**
     * Takes the lock of {@code stateFile}. Where no lock can be had at all (a folder that cannot be
     * made, a file system without locks) the file is used as it was before there was a lock.
     */
    static StateLock take(Path stateFile) {
        Path file = stateFile.resolveSibling(stateFile.getFileName() + ".lock");
        FileChannel ch;
        try {
            Files.createDirectories(file.getParent());
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException | SecurityException e) {
            return new StateLock(null, true);
        }
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // a session before this one in the same process holds it
        } catch (IOException e) {
            close(ch);
            return new StateLock(null, true);
        }
        if (lock == null) {
            close(ch);
            return new StateLock(null, false);
        }
        return new StateLock(ch, true);
    }

    /** Whether this process may take the file's id and write the file: nobody else holds it. */
    boolean ours() {
        return ours;
    }

    @Override
    public void close() {
        if (channel != null) {
            close(channel); // closing the channel releases its lock
        }
    }

    private static void close(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // nothing more to do with a lock file we give up on
        }
    }
}
