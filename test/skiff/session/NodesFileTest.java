package skiff.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import skiff.dht.Contact;
import skiff.dht.NodeId;

class NodesFileTest {
    @TempDir
    Path tmp;

    @Test
    void whatIsSavedIsLoadedAndADamagedFileSaysWhy() throws Exception {
        SplittableRandom r = new SplittableRandom(3);
        NodeId id = NodeId.random(r);
        List<Contact> nodes = List.of(new Contact(NodeId.random(r), new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 6881)),
            new Contact(NodeId.random(r), new InetSocketAddress(InetAddress.getByName("2001:db8::5"), 51413)));
        Path file = tmp.resolve("state").resolve("skiff").resolve("dht.dat");
        assertNull(NodesFile.load(file), "no file yet: nothing saved");
        NodesFile.save(file, id, nodes, InetAddress.getByName("203.0.113.7"));
        NodesFile.Saved s = NodesFile.load(file);
        assertEquals(id, s.id());
        assertEquals(nodes, s.nodes());
        assertEquals(InetAddress.getByName("203.0.113.7"), s.external());
        assertEquals(List.of(file.getFileName()), Files.list(file.getParent()).map(Path::getFileName).toList(), "no temporary left");
        Files.write(file, "d2:id3:abce".getBytes());
        assertThrows(IOException.class, () -> NodesFile.load(file));
        Files.write(file, new byte[NodesFile.MAX_BYTES + 1]);
        assertThrows(IOException.class, () -> NodesFile.load(file));
    }
}
