package skiff.tracker;

import java.nio.ByteBuffer;

/** Entry points for the fuzzer into the tracker codecs (package-private classes). */
public final class TrackerFuzzTargets {
    private TrackerFuzzTargets() {
    }

    /** An HTTP response cut into a few reads, then its body as an announce and a scrape. */
    public static void http(byte[] input) {
        HttpResponseReader r = new HttpResponseReader();
        try {
            int cut = input.length == 0 ? 0 : (input[0] & 0xff) % (input.length + 1);
            boolean done = r.feed(input, 0, cut) || r.feed(input, cut, input.length - cut);
            if (!done) {
                r.endOfStream();
            }
        } catch (TrackerException expected) {
            return;
        }
        byte[] body = r.body();
        try {
            HttpAnnounceCodec.parseAnnounce(body);
        } catch (TrackerException expected) {
            // documented
        }
        try {
            HttpAnnounceCodec.parseScrape(body, new byte[20]);
        } catch (TrackerException expected) {
            // documented
        }
    }

    /** A UDP datagram as each kind of reply, IPv4 and IPv6. */
    public static void udp(byte[] input) {
        int tid = input.length >= 8 ? ByteBuffer.wrap(input).getInt(4) : 0;
        for (int action = 0; action <= 2; action++) {
            UdpTrackerCodec.decode(ByteBuffer.wrap(input), tid, action, 6);
            UdpTrackerCodec.decode(ByteBuffer.wrap(input), tid, action, 18);
        }
    }
}
