package skiff.session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import skiff.storage.StorageException;

/**
 * One skiff per torrent per download folder: {@code DIR/.skiff/INFOHASH.lock}, locked by the OS
 * (released when the process ends, however it ends), holding the owner's pid for the message a
 * second process prints. Two processes writing one torrent's files would each trust its own
 * resume file and undo the other's work.
 */
final class FolderLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private FolderLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock, or says who holds it; null when the folder cannot be written at all (the
     * storage then says why in its own words).
     */
    static FolderLock take(Path downloadDir, String infoHashHex, String name) throws StorageException {
        Path file = downloadDir.resolve(".skiff").resolve(infoHashHex + ".lock");
        FileChannel ch;
        try {
            Files.createDirectories(file.getParent());
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException | SecurityException e) {
            return null;
        }
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            l = null; // this process holds it already (a second session in one JVM, in the tests)
        } catch (IOException e) {
            quietly(ch);
            return null; // a file system without locks: run unguarded, as before
        }
        if (l == null) {
            String pid = "";
            try {
                ByteBuffer b = ByteBuffer.allocate(32);
                ch.read(b, 0);
                pid = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).trim();
            } catch (IOException e) {
                // the message goes without the pid
            }
            quietly(ch);
            throw new StorageException(name + " is already being downloaded into " + downloadDir.toAbsolutePath().normalize()
                + " by another skiff" + (pid.matches("\\d{1,10}") ? " (pid " + pid + ")" : ""));
        }
        try {
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        } catch (IOException e) {
            // the lock holds without the pid in it
        }
        return new FolderLock(ch, l);
    }

    private static void quietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // nothing more to do with a channel we give up on
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // the process ends soon, and the OS releases it then
        }
    }
}
