package skiff.webseed;

import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.util.List;
import skiff.metainfo.Metainfo;
import skiff.peer.Wire;

/**
 * The fuzzer's way into a web seed: the first two bytes choose a block to ask for (one that may
 * span files), the rest is what the server sends back, reply after reply, read in cuts as a
 * socket gives them. Every reply is checked as the stream checks it, and its body framed into
 * piece messages; what is framed never exceeds what was asked for.
 */
public final class WebSeedFuzzTarget {
    private final Metainfo meta;

    public WebSeedFuzzTarget(Metainfo meta) {
        this.meta = meta;
    }

    public void run(byte[] input) {
        if (input.length < 2) {
            return;
        }
        int piece = (input[0] & 0xff) % meta.pieceCount();
        int blocks = (meta.pieceSize(piece) + Wire.BLOCK_BYTES - 1) / Wire.BLOCK_BYTES;
        int begin = (input[1] & 0xff) % blocks * Wire.BLOCK_BYTES;
        int length = Math.min(Wire.BLOCK_BYTES, meta.pieceSize(piece) - begin);
        WireSide wire = new WireSide(meta.infoHash(), new byte[20], HttpSeeds.claimed(meta, java.util.Set.of()), meta.pieceLength());
        ByteBuffer codec = ByteBuffer.allocate(Wire.HANDSHAKE_BYTES + 17);
        codec.put(Wire.handshake(meta.infoHash(), new byte[20], Wire.ourReserved()));
        codec.putInt(13).put((byte) Wire.REQUEST).putInt(piece).putInt(begin).putInt(length);
        wire.written(codec.flip());
        List<WireSide.Block> run = wire.nextRun(WebSeedStream.MAX_RUN_BYTES);
        long first = run.get(0).offset();
        SeedFiles files = new SeedFiles(meta, "http://127.0.0.1/");
        int at = 2;
        long framed = 0;
        ByteBuffer inbox = ByteBuffer.allocate(1000);
        for (SeedFiles.Part p : files.parts(first, length)) {
            if (p.padding()) {
                continue;
            }
            RangeReply reply = new RangeReply(p.offset(), p.length(), files.fileLength(p.file()));
            try {
                while (!reply.done() && at < input.length) {
                    int cut = Math.min(input.length, at + 1 + (input[at] & 0x3f));
                    at = reply.feed(input, at, cut);
                }
            } catch (ProtocolException expected) {
                return; // the stream ends with this reason
            }
            if (!reply.done() || reply.redirect() != null) {
                return;
            }
            long left = p.length();
            while (left > 0 && at < input.length) {
                int n = wire.frame(ByteBuffer.wrap(input, at, input.length - at), (int) Math.min(left, input.length - at), inbox);
                framed += inbox.position();
                inbox.clear();
                at += n;
                left -= n;
            }
            if (left > 0) {
                return; // cut short
            }
        }
        if (!wire.framedAll() || framed != length + 13) {
            throw new AssertionError("framed " + framed + " bytes for a block of " + length);
        }
    }
}
