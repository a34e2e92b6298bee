package skiff.storage;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import skiff.metainfo.FileEntry;
import skiff.metainfo.Metainfo;

/**
 * The torrent's files under the download directory, written either with positional writes of
 * whole blocks or through memory-mapped windows of bounded size and number, least recently used
 * unmapped first (see {@link DiskIo}). Loop thread only: windows and lent buffers never leave it,
 * which is what makes unmapping and reusing them safe.
 */
public final class Storage implements AutoCloseable {
    /** Open file channels at most; torrents with thousands of files reopen as needed. */
    static final int MAX_OPEN_FILES = 64;
    private static final int SCRATCH_BYTES = 16 << 10;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(SCRATCH_BYTES).asReadOnlyBuffer();

    private final FileMap map;
    private final Path root;
    private final Path top; // the torrent's file, or its folder
    private final java.util.function.IntFunction<Path> pathOf = this::path; // made once: a method reference per block is garbage
    private final Windows.Channels channelOf = this::channel;
    private final LinkedHashMap<Integer, FileChannel> channels = new LinkedHashMap<>(16, 0.75f, true);
    private final Windows windows = new Windows();
    private final DiskIo io;
    private final BlockBuffers blockBuffers;
    /**
     * Files written since they were last forced to disk. All of them at first: what an earlier
     * process wrote may still be in the page cache only, and a resume file must not vouch for it.
     */
    private final BitSet unflushed = new BitSet();
    private ByteBuffer readBuffer;
    private int lastMapped = -1; // the file a mapped window was last written for: a late fault names it

    public Storage(FileMap map, Path downloadDir) throws StorageException {
        this(map, downloadDir, DiskIo.MAPPED);
    }

    public Storage(FileMap map, Path downloadDir, DiskIo io) throws StorageException {
        this(map, downloadDir, io, new BlockBuffers());
    }

    /** {@code blockBuffers}: the process's pool, shared with the other torrents. */
    public Storage(FileMap map, Path downloadDir, DiskIo io, BlockBuffers blockBuffers) throws StorageException {
        this.map = map;
        this.blockBuffers = blockBuffers;
        this.io = io;
        this.root = downloadDir.toAbsolutePath().normalize();
        List<FileEntry> files = map.files();
        Metainfo m = map.metainfo();
        try {
            this.top = root.resolve(m.name());
            for (int i = 0; i < files.size(); i++) {
                Path p = path(i).normalize();
                if (!p.startsWith(root) || p.equals(root)) {
                    throw new StorageException("refusing a path outside the download directory: " + p);
                }
            }
        } catch (java.nio.file.InvalidPathException e) {
            // a name the locale's character set cannot hold (ASCII in the C locale): one line, not a crash
            throw new StorageException(StorageException.unnamable(e));
        }
        unflushed.set(0, files.size());
    }

    public FileMap map() {
        return map;
    }

    /**
     * A file's path, made anew at each call: a torrent of thousands of files kept a path object per
     * file (with its bytes, its string and its name offsets, about 230 bytes each). The constructor
     * checked each one; its parts cannot name "." or ".." (PathSafety), so no normalizing is needed.
     * Any thread.
     */
    public Path path(int file) {
        if (map.metainfo().singleFile()) {
            return top;
        }
        Path p = top;
        for (String part : map.files().get(file).path()) {
            p = p.resolve(part);
        }
        return p;
    }

    public Path root() {
        return root;
    }

    /**
     * The file a memory-mapped write last went to (the root before any): what a fault the JVM raises
     * after that write, past its own catch, is about.
     */
    public Path lastMappedWrite() {
        return lastMapped >= 0 ? path(lastMapped) : root;
    }

    /**
     * A buffer to assemble one block of {@code length} bytes in before {@link #write}, or null when
     * the pool's buffers are all out or the block is longer than one of them (16 KiB). Every block
     * is assembled whole, in either mode: whole-block writes keep pages whole, so the kernel never
     * zeroes or re-reads a partly written one, and a block is written only once it is all here and
     * still wanted (an endgame copy that another peer's beat must not land on a piece that may have
     * passed its hash check already).
     */
    public ByteBuffer lendBlockBuffer(int length) {
        return blockBuffers.lend(length);
    }

    /** Takes back a buffer from {@link #lendBlockBuffer}; the caller must not touch it again. */
    public void returnBlockBuffer(ByteBuffer b) {
        blockBuffers.giveBack(b);
    }

    /** As below, for every file. */
    public void allocate(long bytesStillNeeded) throws StorageException {
        allocate(bytesStillNeeded, null);
    }

    /**
     * Creates folders and files (sparse, at their full length) for every non-padding file that
     * {@code wanted} marks (null: all), after checking there is room for what is still to come.
     */
    public void allocate(long bytesStillNeeded, boolean[] wanted) throws StorageException {
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw StorageException.because("cannot create download directory " + root, e);
        }
        if (!Files.isWritable(root)) {
            throw new StorageException("download directory is not writable: " + root);
        }
        try {
            long usable = Files.getFileStore(root).getUsableSpace();
            if (usable < bytesStillNeeded) {
                throw new StorageException("disk full: " + root + " has " + usable + " bytes free, the download needs "
                        + bytesStillNeeded + " more");
            }
        } catch (StorageException e) {
            throw e;
        } catch (IOException e) {
            // unknown free space: go on, writes will tell
        }
        List<FileEntry> files = map.files();
        // Each folder is made and listed once (thousands of files may share a few): only a name
        // already there can be a symbolic link, and asking of a file not there costs the JDK an
        // exception, 4,000 for a torrent of 4,000 files on its first start.
        Map<Path, Set<String>> present = new HashMap<>();
        for (int i = 0; i < files.size(); i++) {
            FileEntry e = files.get(i);
            if (e.padding() || wanted != null && !wanted[i]) {
                continue;
            }
            Path p = path(i);
            try {
                Path folder = p.getParent();
                if (!present.containsKey(folder)) {
                    Files.createDirectories(folder);
                    String[] listed = folder.toFile().list();
                    present.put(folder, listed == null ? null : new HashSet<>(Arrays.asList(listed)));
                }
                Set<String> names = present.get(folder); // null: the folder cannot be listed, so every file is asked
                if ((names == null || names.contains(p.getFileName().toString())) && Files.isSymbolicLink(p)) {
                    throw new StorageException("refusing to write through a symbolic link: " + p);
                }
                try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
                    if (f.length() < e.length()) {
                        f.setLength(e.length());
                    }
                }
            } catch (StorageException ex) {
                throw ex;
            } catch (IOException ex) {
                throw StorageException.because("cannot create " + p, ex);
            }
        }
    }

    /**
     * Sends bytes at torrent offset {@code offset} to {@code out}. To a socket itself, with
     * {@code transferTo}: sendfile, from the page cache to the socket, never through the heap. To a
     * stream that copies the bytes anyway (uTP, encryption), through one reused buffer: the JDK's
     * {@code transferTo} to such a channel allocates an 8 KiB buffer per call, 1.6 GB of garbage
     * per GiB seeded over uTP. Returns the bytes sent.
     */
    public long transfer(long offset, int length, WritableByteChannel out) throws IOException {
        boolean sendfile = out instanceof SelectableChannel;
        long total = 0;
        while (total < length) {
            int want = (int) (length - total);
            FileMap.Segment s = map.first(offset + total, sendfile ? want : Math.min(want, SCRATCH_BYTES));
            if (s == null) {
                throw new IOException("read past the end of the torrent");
            }
            long n;
            long offered;
            if (sendfile && !s.padding()) {
                offered = s.length();
                n = channel(s.file()).transferTo(s.fileOffset(), offered, out);
            } else {
                ByteBuffer b = s.padding() ? ZEROS.duplicate().limit(Math.min(SCRATCH_BYTES, s.length())) : readAt(s);
                offered = b.remaining();
                n = out.write(b); // what the stream leaves is read again next time
            }
            total += n;
            if (n < offered) {
                break; // the socket is full for now
            }
        }
        return total;
    }

    /** Copies bytes already in memory (the part of a block that came with its header) to the files. */
    public void write(long offset, ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            FileMap.Segment s = map.first(offset, src.remaining());
            if (s == null) {
                throw new IOException("write past the end of the torrent");
            }
            int n;
            if (s.padding()) {
                n = Math.min(s.length(), src.remaining());
                src.position(src.position() + n);
            } else if (io == DiskIo.POSITIONAL) {
                n = s.length();
                if (n == src.remaining()) {
                    writeAt(s, src); // a whole block within one file, the usual case: no view to make
                } else {
                    ByteBuffer part = src.duplicate();
                    part.limit(part.position() + n);
                    writeAt(s, part);
                    src.position(src.position() + n);
                }
            } else {
                ByteBuffer w = window(s);
                lastMapped = s.file();
                unflushed.set(s.file());
                n = w.remaining();
                ByteBuffer part = src.duplicate();
                part.limit(part.position() + n);
                try {
                    w.put(part);
                } catch (InternalError e) {
                    throw diskFull(s, e);
                }
                src.position(src.position() + n);
            }
            offset += n;
        }
    }

    private void writeAt(FileMap.Segment s, ByteBuffer part) throws IOException {
        unflushed.set(s.file());
        FileChannel ch = channel(s.file());
        long pos = s.fileOffset();
        try {
            while (part.hasRemaining()) {
                pos += ch.write(part, pos);
            }
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("No space left")) {
                throw diskFull(s, e);
            }
            throw StorageException.because("cannot write " + path(s.file()), e);
        }
    }

    /**
     * The files written since they were last forced to disk, now counted as forced: the caller
     * forces them before anything vouches for their data, or hands them back with {@link #unflushed}.
     */
    public int[] takeUnflushed() {
        return takeUnflushed(null);
    }

    /** As {@link #takeUnflushed()}, only those also in {@code among} (null: all). */
    public int[] takeUnflushed(BitSet among) {
        BitSet take = (BitSet) unflushed.clone();
        if (among != null) {
            take.and(among);
        }
        unflushed.andNot(take);
        int[] out = new int[take.cardinality()];
        for (int i = take.nextSetBit(0), k = 0; i >= 0; i = take.nextSetBit(i + 1)) {
            out[k++] = i;
        }
        return out;
    }

    /** Files a failed flush did not force: the next flush tries them again. */
    public void unflushed(int[] files) {
        for (int f : files) {
            unflushed.set(f);
        }
    }

    /** Bytes of {@code s} as they are in its file now, in a buffer reused by the next call. */
    private ByteBuffer readAt(FileMap.Segment s) throws IOException {
        if (io == DiskIo.MAPPED) {
            return window(s);
        }
        if (readBuffer == null) {
            readBuffer = ByteBuffer.allocateDirect(SCRATCH_BYTES);
        }
        ByteBuffer b = readBuffer.clear().limit(Math.min(s.length(), SCRATCH_BYTES));
        FileChannel ch = channel(s.file());
        long pos = s.fileOffset();
        while (b.hasRemaining()) {
            int n = ch.read(b, pos);
            if (n < 0) {
                throw new IOException("read past the end of " + path(s.file()));
            }
            pos += n;
        }
        return b.flip();
    }

    /** A view of the window that holds the start of {@code s}, limited to the segment or window end. */
    private ByteBuffer window(FileMap.Segment s) throws IOException {
        return windows.view(s.file(), pathOf, map.files().get(s.file()).length(), s.fileOffset(), s.length(), channelOf);
    }

    private StorageException diskFull(FileMap.Segment s, Throwable cause) {
        return new StorageException("disk full (or file truncated) writing " + path(s.file()));
    }

    private FileChannel channel(int file) throws IOException {
        FileChannel c = channels.get(file);
        if (c == null || !c.isOpen()) {
            try {
                c = FileChannel.open(path(file), StandardOpenOption.READ, StandardOpenOption.WRITE);
            } catch (AccessDeniedException e) {
                throw new StorageException("cannot write " + path(file) + ": permission denied");
            } catch (IOException e) {
                throw StorageException.because("cannot open " + path(file), e);
            }
            channels.put(file, c);
            Iterator<Map.Entry<Integer, FileChannel>> it = channels.entrySet().iterator();
            while (channels.size() > MAX_OPEN_FILES && it.hasNext()) {
                closeQuietly(it.next().getValue());
                it.remove();
            }
        }
        return c;
    }

    @Override
    public void close() {
        windows.releaseAll(); // the data stays in the page cache for the kernel to write back
        for (FileChannel c : channels.values()) {
            closeQuietly(c);
        }
        channels.clear();
    }

    private static void closeQuietly(FileChannel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
