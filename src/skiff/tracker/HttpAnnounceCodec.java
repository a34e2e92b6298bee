package skiff.tracker;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import skiff.bencode.BBytes;
import skiff.bencode.BDict;
import skiff.bencode.BInt;
import skiff.bencode.BList;
import skiff.bencode.BValue;
import skiff.bencode.BencodeException;
import skiff.bencode.Decoder;

/** Pure codec for HTTP announces and scrapes (BEP 3, BEP 23, BEP 7, BEP 48): query in, bencode out. */
final class HttpAnnounceCodec {
    /** Intervals outside [MIN, MAX] are clamped: a tracker may not make us hammer it or forget it. */
    static final int MIN_INTERVAL_SECONDS = 30;
    static final int MAX_INTERVAL_SECONDS = 6 * 3600;
    private static final int DEFAULT_INTERVAL_SECONDS = 1800;
    /** A failure or warning longer than this is cut: it is printed on one line. */
    static final int MAX_MESSAGE_CHARS = 200;
    private static final int MAX_TRACKER_ID_BYTES = 256;
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private HttpAnnounceCodec() {
    }

    /** The announce query appended to {@code baseQuery} (any query already in the URL is kept). */
    static String announceQuery(String baseQuery, AnnounceRequest r, byte[] trackerId) {
        StringBuilder q = new StringBuilder(320);
        if (baseQuery != null && !baseQuery.isEmpty()) {
            q.append(baseQuery).append('&');
        }
        q.append("info_hash=").append(percent(r.infoHash()));
        q.append("&peer_id=").append(percent(r.peerId()));
        q.append("&port=").append(r.port());
        q.append("&uploaded=").append(r.uploaded());
        q.append("&downloaded=").append(r.downloaded());
        q.append("&left=").append(r.left());
        q.append("&compact=1");
        if (r.event().httpName != null) {
            q.append("&event=").append(r.event().httpName);
        }
        q.append("&numwant=").append(r.numWant());
        q.append("&key=").append(Integer.toHexString(r.key()));
        if (trackerId != null) {
            q.append("&trackerid=").append(percent(trackerId));
        }
        return q.toString();
    }

    /** Percent-encodes every byte but the RFC 3986 unreserved characters. */
    static String percent(byte[] bytes) {
        StringBuilder b = new StringBuilder(bytes.length * 3);
        for (byte x : bytes) {
            int c = x & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                b.append((char) c);
            } else {
                b.append('%').append(HEX[c >> 4]).append(HEX[c & 15]);
            }
        }
        return b.toString();
    }

    /** The scrape path for an announce path, by the convention trackers share; null when there is none. */
    static String scrapePath(String announcePath) {
        int slash = announcePath.lastIndexOf('/');
        String last = announcePath.substring(slash + 1);
        if (!last.startsWith("announce")) {
            return null;
        }
        return announcePath.substring(0, slash + 1) + "scrape" + last.substring("announce".length());
    }

    static AnnounceResponse parseAnnounce(byte[] body) throws TrackerException {
        BDict d = dict(body);
        failure(d);
        int interval = clampInterval(d.get("interval"), DEFAULT_INTERVAL_SECONDS);
        int minInterval = d.get("min interval") instanceof BInt ? clampInterval(d.get("min interval"), interval) : 0;
        List<InetSocketAddress> peers = new ArrayList<>();
        BValue p = d.get("peers");
        if (p instanceof BBytes b) {
            byte[] raw = b.bytes();
            PeerLists.compact(raw, 0, raw.length, 6, peers);
        } else if (p instanceof BList l) {
            PeerLists.dictionaries(l, peers);
        }
        if (d.get("peers6") instanceof BBytes b6) {
            byte[] raw = b6.bytes();
            PeerLists.compact(raw, 0, raw.length, 18, peers);
        }
        String warning = d.get("warning message") instanceof BBytes w ? oneLine(w.utf8()) : null;
        byte[] trackerId = d.get("tracker id") instanceof BBytes t && t.length() <= MAX_TRACKER_ID_BYTES ? t.bytes() : null;
        return new AnnounceResponse(interval, minInterval, peers, count(d.get("complete")), count(d.get("incomplete")),
                warning, trackerId);
    }

    static ScrapeResponse parseScrape(byte[] body, byte[] infoHash) throws TrackerException {
        BDict d = dict(body);
        failure(d);
        if (!(d.get("files") instanceof BDict files)) {
            throw new TrackerException("scrape reply has no 'files'");
        }
        for (var e : files.entries().entrySet()) {
            if (Arrays.equals(e.getKey().bytes(), infoHash) && e.getValue() instanceof BDict f) {
                return new ScrapeResponse(count(f.get("complete")), count(f.get("downloaded")), count(f.get("incomplete")));
            }
        }
        return new ScrapeResponse(0, 0, 0); // trackers leave out torrents they know no peers for

    }

    private static BDict dict(byte[] body) throws TrackerException {
        BValue v;
        try {
            v = Decoder.decode(body, HttpResponseReader.MAX_BODY_BYTES);
        } catch (BencodeException e) {
            throw new TrackerException("tracker sent invalid bencode (" + e.getMessage() + ")");
        }
        if (!(v instanceof BDict d)) {
            throw new TrackerException("tracker reply is not a dictionary");
        }
        return d;
    }

    private static void failure(BDict d) throws TrackerException {
        if (d.get("failure reason") instanceof BBytes f) {
            throw new TrackerException("tracker says: " + oneLine(f.utf8()));
        }
    }

    private static int clampInterval(BValue v, int fallback) {
        long s = v instanceof BInt i ? i.value() : fallback;
        return (int) Math.max(MIN_INTERVAL_SECONDS, Math.min(MAX_INTERVAL_SECONDS, s));
    }

    private static int count(BValue v) {
        return v instanceof BInt i && i.value() >= 0 ? (int) Math.min(Integer.MAX_VALUE, i.value()) : -1;
    }

    /** Control characters out, cut to a length that fits a line. */
    static String oneLine(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < MAX_MESSAGE_CHARS; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? ' ' : c);
        }
        return b.toString();
    }
}
