package skiff.session;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateLockTest {
    @TempDir
    Path tmp;

    @Test
    void oneHolderAtATimeAndTheNextAfterIt() throws Exception {
        Path state = tmp.resolve("state").resolve("skiff").resolve("dht.dat");
        StateLock first = StateLock.take(state);
        assertTrue(first.ours(), "nobody holds it: ours");
        assertTrue(Files.exists(state.resolveSibling("dht.dat.lock")));
        StateLock second = StateLock.take(state);
        assertFalse(second.ours(), "held: not ours");
        second.close();
        assertFalse(StateLock.take(state).ours(), "still held by the first");
        first.close();
        StateLock third = StateLock.take(state);
        assertTrue(third.ours(), "released: ours again");
        third.close();
    }

    @Test
    void whereNoLockCanBeHadTheFileIsUsedAsBefore() throws Exception {
        Path notAFolder = Files.write(tmp.resolve("file"), new byte[1]);
        StateLock l = StateLock.take(notAFolder.resolve("skiff").resolve("dht.dat"));
        assertTrue(l.ours(), "no lock file can be made: used as it was before there was a lock");
        l.close();
    }
}
