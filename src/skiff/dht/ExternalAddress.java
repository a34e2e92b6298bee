package skiff.dht;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Our address as other nodes see it, from the {@code ip} field of their answers (BEP 42): taken
 * once {@link #VOTES} different nodes agree, so that one liar cannot set it. Bounded: a few
 * candidate addresses, a few voters each.
 */
final class ExternalAddress {
    static final int VOTES = 3;
    private static final int MAX_CANDIDATES = 8;

    private final Map<InetAddress, Set<InetAddress>> voters = new HashMap<>();
    private InetAddress address;

    void vote(InetAddress seen, InetAddress voter) {
        if (Bep42.exempt(seen)) {
            return; // a local address says nothing about the outside
        }
        Set<InetAddress> v = voters.get(seen);
        if (v == null) {
            if (voters.size() >= MAX_CANDIDATES) {
                voters.clear();
            }
            v = new HashSet<>();
            voters.put(seen, v);
        }
        if (v.size() < VOTES) {
            v.add(voter);
        }
        if (v.size() >= VOTES) {
            address = seen;
        }
    }

    InetAddress address() {
        return address;
    }
}
