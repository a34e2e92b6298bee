package skiff.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Memory-mapped windows of the files, bounded in size and number; the least recently used is
 * unmapped first. Loop thread only: no window ever leaves it, which is what makes unmapping safe.
 */
final class Windows {
    /** Window size: big enough that a block rarely straddles two, small enough to map many files. */
    static final int WINDOW_BYTES = 16 << 20;
    /** At most this many windows are mapped at once (512 MiB of address space, not of memory). */
    static final int MAX_WINDOWS = 32;

    /** Opens (or finds open) the channel of a file. */
    interface Channels {
        FileChannel channel(int file) throws IOException;
    }

    private final LinkedHashMap<Long, MappedByteBuffer> windows = new LinkedHashMap<>(16, 0.75f, true);
    private final Unmapper unmapper = new Unmapper();

    /**
     * A view of the window of file {@code file} (at {@code path.apply(file)}, {@code fileLength} bytes long)
     * that holds {@code fileOffset}, limited to {@code length} bytes or the window's end.
     */
    ByteBuffer view(int file, java.util.function.IntFunction<Path> path, long fileLength, long fileOffset, int length, Channels channels)
            throws IOException {
        long windowIndex = fileOffset / WINDOW_BYTES;
        long key = ((long) file << 32) | windowIndex;
        MappedByteBuffer w = windows.get(key);
        if (w == null) {
            long start = windowIndex * WINDOW_BYTES;
            FileChannel channel = channels.channel(file);
            try {
                w = channel.map(FileChannel.MapMode.READ_WRITE, start, Math.min(WINDOW_BYTES, fileLength - start));
            } catch (IOException e) {
                throw StorageException.because("cannot map " + path.apply(file), e);
            }
            windows.put(key, w);
            evict();
        }
        int pos = (int) (fileOffset - windowIndex * WINDOW_BYTES);
        w.limit(Math.min(w.capacity(), pos + length));
        w.position(pos);
        return w;
    }

    /** Unmaps every window; data stays in the page cache for the kernel to write back. */
    void releaseAll() {
        for (MappedByteBuffer w : windows.values()) {
            unmapper.unmap(w);
        }
        windows.clear();
    }

    private void evict() {
        Iterator<Map.Entry<Long, MappedByteBuffer>> it = windows.entrySet().iterator();
        while (windows.size() > MAX_WINDOWS && it.hasNext()) {
            MappedByteBuffer w = it.next().getValue();
            it.remove();
            unmapper.unmap(w);
        }
    }
}
