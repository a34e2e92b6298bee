package skiff.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;
import skiff.bencode.BList;
import skiff.bencode.Dicts;
import skiff.bencode.Encoder;
import skiff.loop.WorkerPool;
import skiff.metainfo.Bitfield;
import skiff.metainfo.Metainfo;
import skiff.metainfo.MetainfoParser;

class StorageTest {
    @TempDir
    Path dir;

    /** Files: a(10) b(0) c(16374, padding) d(40000) e(5): edges off piece edges, a 0-byte and a padding file. */
    private static Metainfo torrent(byte[] data) throws Exception {
        List<skiff.bencode.BValue> files = new ArrayList<>();
        long[][] spec = {{10, 0}, {0, 0}, {16374, 1}, {40000, 0}, {5, 0}};
        String[][] names = {{"a"}, {"sub", "b"}, {".pad", "16374"}, {"sub", "deep", "d"}, {"e"}};
        for (int i = 0; i < spec.length; i++) {
            Dicts f = Dicts.builder().put("length", spec[i][0]).putStrings("path", List.of(names[i]));
            if (spec[i][1] == 1) {
                f.put("attr", "p");
            }
            files.add(f.build());
        }
        int pieceLength = 16384;
        int pieces = (data.length + pieceLength - 1) / pieceLength;
        byte[] hashes = new byte[pieces * 20];
        for (int p = 0; p < pieces; p++) {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-1");
            sha.update(data, p * pieceLength, Math.min(pieceLength, data.length - p * pieceLength));
            System.arraycopy(sha.digest(), 0, hashes, p * 20, 20);
        }
        return MetainfoParser.parse(Encoder.encode(Dicts.builder().put("info", Dicts.builder().put("name", "multi")
            .put("files", new BList(files)).put("piece length", pieceLength).put("pieces", hashes).build()).build()));
    }

    private static byte[] data() {
        byte[] d = new byte[10 + 16374 + 40000 + 5];
        new Random(9).nextBytes(d);
        java.util.Arrays.fill(d, 10, 10 + 16374, (byte) 0); // padding bytes are zeros
        return d;
    }

    @Test
    void segmentsCrossFileEdgesAndSkipEmptyFiles() throws Exception {
        FileMap map = new FileMap(torrent(data()));
        List<FileMap.Segment> s = new ArrayList<>();
        map.segments(0, 16384, s::add);
        assertEquals(List.of(new FileMap.Segment(0, 0, 10, false), new FileMap.Segment(2, 0, 16374, true)), s);
        s.clear();
        map.segments(56374, 5 + 10, s::add); // the end of d and all of e
        assertEquals(List.of(new FileMap.Segment(3, 40000 - 10, 10, false), new FileMap.Segment(4, 0, 5, false)), s);
        assertEquals(List.of(1, 3), java.util.Arrays.stream(map.pieceRange(3)).boxed().toList());
        assertTrue(map.pieceRange(1)[0] > map.pieceRange(1)[1]);
    }

    @ParameterizedTest
    @EnumSource(DiskIo.class)
    void blocksWrittenInPiecesHashGoodAndPaddingIsNeverWritten(DiskIo io) throws Exception {
        byte[] data = data();
        Metainfo m = torrent(data);
        FileMap map = new FileMap(m);
        Storage st = new Storage(map, dir, io);
        st.allocate(data.length);
        // half through write() in one go, half as lent whole blocks
        int half = data.length / 2;
        st.write(0, ByteBuffer.wrap(data, 0, half));
        for (int at = half; at < data.length; at += 16384) {
            int len = Math.min(16384, data.length - at);
            ByteBuffer block = st.lendBlockBuffer(len);
            assertEquals(len, block.remaining(), "both modes lend buffers");
            st.write(at, block.put(data, at, len).flip());
            st.returnBlockBuffer(block);
        }
        st.close();
        assertFalse(Files.exists(dir.resolve("multi/.pad")));
        assertTrue(Files.exists(dir.resolve("multi/sub/b")));
        assertEquals(0, Files.size(dir.resolve("multi/sub/b")));
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 16384, 56384), Files.readAllBytes(dir.resolve("multi/sub/deep/d")));

        ExecutorService workers = WorkerPool.create(2);
        LinkedBlockingQueue<Runnable> posted = new LinkedBlockingQueue<>();
        HashPool pool = new HashPool(st, workers, posted::add);
        List<HashPool.Verdict> verdicts = new ArrayList<>();
        for (int p = 0; p < m.pieceCount(); p++) {
            pool.verify(p, verdicts::add);
        }
        for (int i = 0; i < m.pieceCount(); i++) {
            posted.poll(10, TimeUnit.SECONDS).run();
        }
        long[][] sums = new long[1][];
        pool.verify(1, true, (v, s) -> sums[0] = s);
        posted.poll(10, TimeUnit.SECONDS).run();
        WorkerPool.shutdown(workers, 1000);
        assertEquals(4, m.pieceCount());
        assertEquals(java.util.Collections.nCopies(4, HashPool.Verdict.GOOD), verdicts);
        int pieceLength = m.pieceLength();
        long[] expected = new long[(m.pieceSize(1) + 16383) / 16384];
        for (int b = 0; b < expected.length; b++) { // data() holds the padding's zeros, as the worker reads them
            java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
            crc.update(data, pieceLength + b * 16384, Math.min(16384, m.pieceSize(1) - b * 16384));
            expected[b] = crc.getValue();
        }
        assertArrayEquals(expected, sums[0], "block checksums for blame, computed on the worker");
    }

    /**
     * Uploads to a stream that copies (uTP, encryption) go through storage's own buffer, across
     * files, a padding file and the mapped windows, whatever the stream takes per write.
     */
    @ParameterizedTest
    @EnumSource(DiskIo.class)
    void transfersToACopyingStreamCarryEveryByteHoweverLittleItTakes(DiskIo io) throws Exception {
        byte[] data = data();
        Storage st = new Storage(new FileMap(torrent(data)), dir, io);
        st.allocate(data.length);
        st.write(0, ByteBuffer.wrap(data));
        for (int take : new int[] {1000, 7, 16384, 100_000}) {
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            int[] calls = {0};
            java.nio.channels.WritableByteChannel stream = new java.nio.channels.WritableByteChannel() {
                @Override
                public int write(ByteBuffer src) {
                    int n = Math.min(take, src.remaining()) * (++calls[0] % 3 == 0 ? 0 : 1); // full every third call
                    byte[] b = new byte[n];
                    src.get(b);
                    got.write(b, 0, n);
                    return n;
                }

                @Override
                public boolean isOpen() {
                    return true;
                }

                @Override
                public void close() { }
            };
            long offset = 0;
            for (int i = 0; i < 100_000 && offset < data.length; i++) {
                int length = (int) Math.min(16384, data.length - offset);
                offset += st.transfer(offset, length, stream);
            }
            assertEquals(data.length, offset, "taking " + take);
            assertArrayEquals(data, got.toByteArray(), "taking " + take);
        }
        st.close();
    }

    @Test
    void aWorkersDigestStartsCleanAfterAPieceFoundMissing() throws Exception {
        byte[] data = data();
        Metainfo m = torrent(data);
        Storage st = new Storage(new FileMap(m), dir, DiskIo.POSITIONAL);
        st.allocate(data.length);
        st.write(0, ByteBuffer.wrap(data));
        st.close();
        Files.delete(dir.resolve("multi/e")); // piece 3 is the end of d, then e: d's bytes get hashed first
        ExecutorService one = WorkerPool.create(1);
        LinkedBlockingQueue<Runnable> posted = new LinkedBlockingQueue<>();
        HashPool pool = new HashPool(st, one, posted::add);
        List<HashPool.Verdict> verdicts = new ArrayList<>();
        for (int p : new int[] {3, 2, 3, 1}) {
            pool.verify(p, verdicts::add);
            posted.poll(10, TimeUnit.SECONDS).run();
            if (verdicts.size() == 2) {
                Files.write(dir.resolve("multi/e"), java.util.Arrays.copyOfRange(data, data.length - 5, data.length));
            }
        }
        WorkerPool.shutdown(one, 1000);
        assertEquals(List.of(HashPool.Verdict.MISSING, HashPool.Verdict.GOOD, HashPool.Verdict.GOOD,
            HashPool.Verdict.GOOD), verdicts);
    }

    @Test
    void lentBlockBuffersAreCappedAndReused() throws Exception {
        Storage st = new Storage(new FileMap(torrent(data())), dir, DiskIo.POSITIONAL);
        List<ByteBuffer> out = new ArrayList<>();
        for (int i = 0; i < BlockBuffers.MAX_LENT; i++) {
            out.add(st.lendBlockBuffer(16384));
        }
        assertFalse(out.contains(null));
        assertNull(st.lendBlockBuffer(16384), "past the cap a payload goes unbuffered");
        assertNull(st.lendBlockBuffer(16385), "never more than a block");
        ByteBuffer first = out.get(0);
        st.returnBlockBuffer(first);
        ByteBuffer again = st.lendBlockBuffer(100);
        assertTrue(again == first, "a returned buffer is lent again");
        assertEquals(100, again.remaining());
        st.close();
    }

    @Test
    void resumeFileIsTrustedOnlyWhileFilesAreUnchanged() throws Exception {
        Metainfo m = torrent(data());
        Storage st = new Storage(new FileMap(m), dir);
        st.allocate(0);
        ResumeFile r = new ResumeFile(st);
        assertNull(r.load());
        Bitfield b = new Bitfield(m.pieceCount());
        b.set(1);
        b.set(3);
        r.save(b);
        Bitfield back = r.load();
        assertNotNull(back);
        assertEquals(2, back.count());
        assertTrue(back.get(3));
        Files.setLastModifiedTime(dir.resolve("multi/e"), java.nio.file.attribute.FileTime.fromMillis(1000));
        assertNull(r.load(), "a touched file voids the resume data");
        r.save(b);
        Files.write(r.path(), new byte[] {'d', 'e'});
        assertNull(r.load(), "garbage is ignored");
    }

    @Test
    void aFileWhereAFolderMustGoIsNamedInTheError() throws Exception {
        Files.createDirectories(dir.resolve("multi"));
        Files.write(dir.resolve("multi/sub"), new byte[1]);
        Storage st = new Storage(new FileMap(torrent(data())), dir);
        StorageException e = org.junit.jupiter.api.Assertions.assertThrows(StorageException.class, () -> st.allocate(0));
        assertTrue(e.getMessage().endsWith(dir.resolve("multi/sub") + " exists and is not a folder"), e.getMessage());
    }

    /**
     * A file of the torrent that is a symbolic link, to a file outside the download directory or to
     * none at all, is refused, and nothing outside is made or touched; the same folder's regular
     * files that are already there are taken as they are.
     */
    @Test
    void symbolicLinksInPlaceOfFilesAreRefused() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Path victim = Files.write(outside.resolve("victim"), new byte[] {7});
        Path top = dir.resolve("top");
        for (Path target : List.of(victim, outside.resolve("not-yet-there"))) {
            if (Files.exists(top)) {
                try (var walk = Files.walk(top)) {
                    for (Path x : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(x);
                    }
                }
            }
            Files.createDirectories(top.resolve("multi/sub/deep"));
            Files.write(top.resolve("multi/a"), new byte[10]); // a regular file already there: fine
            Files.createSymbolicLink(top.resolve("multi/sub/deep/d"), target);
            Storage st = new Storage(new FileMap(torrent(data())), top);
            StorageException e = org.junit.jupiter.api.Assertions.assertThrows(StorageException.class, () -> st.allocate(0));
            assertEquals("refusing to write through a symbolic link: " + top.resolve("multi/sub/deep/d"), e.getMessage());
            assertArrayEquals(new byte[] {7}, Files.readAllBytes(victim), "the file outside is untouched");
            assertFalse(Files.exists(outside.resolve("not-yet-there")), "nothing is made outside");
        }
    }

    @Test
    void freeSpaceIsCheckedBeforeAllocating() throws Exception {
        Storage st = new Storage(new FileMap(torrent(data())), dir);
        StorageException e = org.junit.jupiter.api.Assertions.assertThrows(StorageException.class,
            () -> st.allocate(Long.MAX_VALUE / 2));
        assertTrue(e.getMessage().startsWith("disk full"), e.getMessage());
    }
}
