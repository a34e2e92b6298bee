package skiff.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import skiff.metainfo.Metainfo;
import skiff.metainfo.MetainfoParser;
import skiff.testutil.Torrents;

/** When many files are forced with one syncfs per filesystem, and when file by file; with stand-in sync commands. */
class SyncFsTest {
    @TempDir
    Path dir;

    @Test
    void onlyKernelsWhoseSyncfsReportsWriteErrorsQualify() {
        assertTrue(SyncFs.reportsErrors("6.18.44-fc-v657"));
        assertTrue(SyncFs.reportsErrors("5.8.0"));
        assertTrue(SyncFs.reportsErrors("5.10.0-28-amd64"));
        assertFalse(SyncFs.reportsErrors("5.7.19"));
        assertFalse(SyncFs.reportsErrors("4.19.0-17-amd64"));
        assertFalse(SyncFs.reportsErrors(""), "not Linux");
        assertFalse(SyncFs.reportsErrors("x.y"));
        assertFalse(new SyncFs("true", "4.19.0").sync(List.of(dir)), "an old kernel never runs sync");
    }

    /** A sync that appends its arguments to {@code calls} and exits with {@code code}. */
    private Path script(String name, int code) throws Exception {
        Path s = dir.resolve(name);
        Files.writeString(s, "#!/bin/sh\necho \"$@\" >> " + dir.resolve(name + ".calls") + "\nexit " + code + "\n");
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwx------"));
        return s;
    }

    private List<String> calls(String name) throws Exception {
        Path p = dir.resolve(name + ".calls");
        return Files.exists(p) ? Files.readAllLines(p, StandardCharsets.UTF_8) : List.of();
    }

    @Test
    void aFailedOrMissingSyncIsNotTriedAgain() throws Exception {
        SyncFs failing = new SyncFs(script("bad", 1).toString(), "6.1.0");
        assertFalse(failing.sync(List.of(dir)));
        assertFalse(failing.sync(List.of(dir)));
        assertEquals(List.of("-f " + dir), calls("bad"), "run once: a sync without -f, or a failed write");
        SyncFs missing = new SyncFs(dir.resolve("no-such-sync").toString(), "6.1.0");
        assertFalse(missing.sync(List.of(dir)));
        SyncFs good = new SyncFs(script("good", 0).toString(), "6.1.0");
        assertTrue(good.sync(List.of(dir)));
        assertTrue(good.sync(List.of(dir)));
        assertEquals(2, calls("good").size());
    }

    @Test
    void foldersGoInCommandsOfAtMostMaxArgs() throws Exception {
        SyncFs good = new SyncFs(script("good", 0).toString(), "6.1.0");
        List<Path> dirs = new ArrayList<>();
        for (int i = 0; i < SyncFs.MAX_ARGS + 3; i++) {
            dirs.add(dir.resolve("d" + i));
        }
        assertTrue(good.sync(dirs));
        List<String> calls = calls("good");
        assertEquals(2, calls.size());
        assertEquals(SyncFs.MAX_ARGS + 1, calls.get(0).split(" ").length);
        assertEquals("-f " + dir.resolve("d256") + " " + dir.resolve("d257") + " " + dir.resolve("d258"), calls.get(1));
    }

    /** 20 files of 100 bytes in x/ and y/, then 2 in z/, which is never written; pieces of 16 KiB. */
    private Storage manyFiles() throws Exception {
        List<List<String>> paths = new ArrayList<>();
        List<Long> lengths = new ArrayList<>();
        for (int i = 0; i < 22; i++) {
            paths.add(List.of(i < 10 ? "x" : i < 20 ? "y" : "z", "f" + i));
            lengths.add(100L);
        }
        Metainfo m = MetainfoParser.parse(Torrents.multi("t", 16384, paths, lengths, Set.of()));
        Storage st = new Storage(new FileMap(m), dir.resolve("dl"), DiskIo.POSITIONAL);
        boolean[] wanted = new boolean[22];
        java.util.Arrays.fill(wanted, 0, 20, true);
        st.allocate(0, wanted); // z/ is never made
        st.write(0, ByteBuffer.allocate(2000)); // files 0-19
        return st;
    }

    @Test
    void manyFilesAreForcedWithOneSyncOfTheirExistingFolders() throws Exception {
        Storage st = manyFiles();
        ResumeFile r = new ResumeFile(st, new SyncFs(script("good", 0).toString(), "6.1.0"));
        r.flushData(java.util.stream.IntStream.range(0, 22).toArray());
        Path top = dir.resolve("dl").resolve("t");
        assertEquals(List.of("-f " + top.resolve("x") + " " + top.resolve("y")), calls("good"), "z/ was never made");
        r.flushData(new int[] {0, 1, 2});
        assertEquals(1, calls("good").size(), "a few files: an fsync each");
        st.close();
    }

    @Test
    void aSyncThatFailsLeavesTheFilesForcedOneByOne() throws Exception {
        Storage st = manyFiles();
        ResumeFile r = new ResumeFile(st, new SyncFs(script("bad", 1).toString(), "6.1.0"));
        int[] twenty = java.util.stream.IntStream.range(0, 20).toArray();
        r.flushData(twenty); // no exception: every file was forced
        r.flushData(twenty);
        assertEquals(1, calls("bad").size());
        st.close();
    }
}
