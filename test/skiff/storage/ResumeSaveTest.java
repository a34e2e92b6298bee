package skiff.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import skiff.metainfo.Bitfield;
import skiff.metainfo.Metainfo;
import skiff.testutil.Torrents;

/** Which files a save forces to disk, and saves one at a time, with the workers and the loop run by hand. */
class ResumeSaveTest {
    @TempDir
    Path dir;

    private final ArrayDeque<Runnable> workers = new ArrayDeque<>();
    private final ArrayDeque<Runnable> loop = new ArrayDeque<>();

    /** Files: a(100) pad(16284, padding) b(20000) c(0); pieces of 16 KiB. */
    private static Metainfo torrent() throws Exception {
        return Torrents.layout(16384, List.of("a", "pad", "b", "c"), List.of(100L, 16284L, 20000L, 0L), Set.of(1));
    }

    /** The torrent's files made under {@code dir}, written positionally. */
    private Storage allocated(Metainfo m) throws Exception {
        return allocated(m, DiskIo.POSITIONAL);
    }

    private Storage allocated(Metainfo m, DiskIo io) throws Exception {
        Storage st = new Storage(new FileMap(m), dir, io);
        st.allocate(0);
        return st;
    }

    private static void runAll(ArrayDeque<Runnable> q) {
        for (int i = 0; i < 100 && !q.isEmpty(); i++) {
            q.poll().run();
        }
        assertTrue(q.isEmpty());
    }

    @ParameterizedTest
    @EnumSource(DiskIo.class)
    void aFlushTakesOnlyTheFilesWrittenSinceTheLast(DiskIo io) throws Exception {
        Storage st = allocated(torrent(), io);
        assertArrayEquals(new int[] {0, 1, 2, 3}, st.takeUnflushed(), "at first every file: an earlier run's writes may be unflushed");
        assertArrayEquals(new int[0], st.takeUnflushed());
        st.write(0, ByteBuffer.allocate(16384)); // a, then the padding, which is never written
        assertArrayEquals(new int[] {0}, st.takeUnflushed());
        st.write(16384 + 100, ByteBuffer.allocate(50));
        st.unflushed(new int[] {0});
        assertArrayEquals(new int[] {0, 2}, st.takeUnflushed(), "a failed flush's files are taken again");
        st.close();
    }

    @Test
    void savesRunOneAtATimeAndEachForcesWhatWasWrittenBeforeIt() throws Exception {
        Metainfo m = torrent();
        Storage st = allocated(m);
        ResumeFile r = new ResumeFile(st);
        List<String> heard = new ArrayList<>();
        Bitfield first = new Bitfield(m.pieceCount());
        first.set(0);
        r.saveAfterFlush(first, workers::add, loop::add, e -> heard.add("first " + e));
        st.write(16384 + 100, ByteBuffer.allocate(50)); // b, after the first save took its files
        Bitfield second = first.copy();
        second.set(1);
        r.saveAfterFlush(second, workers::add, loop::add, e -> heard.add("second " + e));
        assertEquals(1, workers.size(), "the second save waits for the first");
        runAll(workers);
        runAll(loop); // the first ends and starts the second
        assertEquals(List.of("first null"), heard);
        assertEquals(1, workers.size());
        runAll(workers);
        runAll(loop);
        assertEquals(List.of("first null", "second null"), heard);
        Bitfield back = r.load();
        assertNotNull(back);
        assertEquals(2, back.count());
        assertArrayEquals(new int[0], st.takeUnflushed(), "the second save forced what was written between");
        st.close();
    }

    @Test
    void aSaveThatFailsLeavesItsFilesToTheNext() throws Exception {
        Metainfo m = torrent();
        Storage st = allocated(m);
        Files.write(dir.resolve(".skiff"), new byte[1]); // where the resume file's folder must go
        ResumeFile r = new ResumeFile(st);
        IOException[] heard = new IOException[1];
        r.saveAfterFlush(new Bitfield(m.pieceCount()), workers::add, loop::add, e -> heard[0] = e);
        runAll(workers);
        runAll(loop);
        assertNotNull(heard[0]);
        assertArrayEquals(new int[] {0, 1, 2, 3}, st.takeUnflushed());
        assertNull(r.load());
        st.close();
    }

    @Test
    void finishedFilesAreForcedTogetherBetweenSavesAndTakenOnce() throws Exception {
        Metainfo m = torrent();
        Storage st = allocated(m);
        ResumeFile r = new ResumeFile(st);
        List<String> heard = new ArrayList<>();
        r.saveAfterFlush(new Bitfield(m.pieceCount()), workers::add, loop::add, e -> heard.add("save " + e));
        st.write(0, ByteBuffer.allocate(100));
        st.write(16384, ByteBuffer.allocate(100));
        r.flushSoon(0, workers::add, loop::add);
        r.flushSoon(2, workers::add, loop::add); // waits with the first, behind the save
        assertEquals(1, workers.size());
        runAll(workers);
        runAll(loop);
        assertEquals(1, workers.size(), "one flush for both finished files");
        st.write(16384 + 200, ByteBuffer.allocate(100)); // b again, after that flush took it
        runAll(workers);
        runAll(loop);
        assertArrayEquals(new int[] {2}, st.takeUnflushed(), "a write after the flush took its file is forced later");
        r.flushSoon(0, workers::add, loop::add); // nothing of a is unflushed: no worker task
        assertEquals(0, workers.size());
        assertEquals(List.of("save null"), heard);
        st.close();
    }

    @Test
    void flushingAllTakesEveryFileWrittenSinceItsLastFlush() throws Exception {
        Metainfo m = torrent();
        Storage st = allocated(m);
        ResumeFile r = new ResumeFile(st);
        r.saveAfterFlush(new Bitfield(m.pieceCount()), workers::add, loop::add, e -> { });
        st.write(0, ByteBuffer.allocate(100));
        st.write(16384, ByteBuffer.allocate(100));
        r.flushSoon(0, workers::add, loop::add);
        r.flushAllSoon(workers::add, loop::add); // joins the flush already waiting, which now takes every file
        runAll(workers);
        runAll(loop);
        assertEquals(1, workers.size(), "one flush for both");
        runAll(workers);
        runAll(loop);
        assertArrayEquals(new int[0], st.takeUnflushed());
        assertTrue(workers.isEmpty() && loop.isEmpty());
        st.close();
    }
}
