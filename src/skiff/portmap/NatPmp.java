package skiff.portmap;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * NAT-PMP messages (RFC 6886): the request for the router's outside address, a request to map
 * (or, with lifetime 0, unmap) a port, and their answers. Pure; an answer is checked against the
 * request it claims to answer.
 */
final class NatPmp {
    /** The router listens here (RFC 6886 section 3.1). */
    static final int SERVER_PORT = 5351;
    static final int VERSION = 0;
    static final int OP_EXTERNAL_ADDRESS = 0;
    static final int OP_MAP_UDP = 1;
    static final int OP_MAP_TCP = 2;
    /** An answer's opcode is the request's plus 128 (section 3.2). */
    static final int ANSWER = 128;
    /** Lifetime asked for: the RFC's recommended two hours (section 3.3). */
    static final int LIFETIME_SECONDS = 7200;
    /** Result codes, section 3.5. */
    static final int SUCCESS = 0;
    static final int UNSUPPORTED_VERSION = 1;
    static final int ADDRESS_ANSWER_BYTES = 12;
    static final int MAP_ANSWER_BYTES = 16;

    /** An answer: {@code external} set for opcode 0, the ports and lifetime for a mapping. */
    record Answer(int op, int result, long epochSeconds, InetAddress external, int internalPort, int externalPort,
                  long lifetimeSeconds) {
        boolean ok() {
            return result == SUCCESS;
        }
    }

    private NatPmp() {
    }

    static byte[] externalAddressRequest() {
        return new byte[] {VERSION, OP_EXTERNAL_ADDRESS};
    }

    /** Maps {@code internalPort}, asking for the same port outside; lifetime 0 removes the mapping (section 3.4). */
    static byte[] mapRequest(boolean tcp, int internalPort, int lifetimeSeconds) {
        return ByteBuffer.allocate(12).put((byte) VERSION).put((byte) (tcp ? OP_MAP_TCP : OP_MAP_UDP)).putShort((short) 0)
            .putShort((short) internalPort).putShort((short) (lifetimeSeconds == 0 ? 0 : internalPort))
            .putInt(lifetimeSeconds).array();
    }

    /** Reads an answer; anything that is not one (a wrong version, opcode or length) is an exception. */
    static Answer parse(ByteBuffer b) throws PortMapException {
        if (b.remaining() < 8) {
            throw new PortMapException("NAT-PMP answer of " + b.remaining() + " bytes");
        }
        int version = b.get() & 0xff;
        int op = b.get() & 0xff;
        int result = b.getShort() & 0xffff;
        long epoch = b.getInt() & 0xffffffffL;
        if (op < ANSWER || op > ANSWER + OP_MAP_TCP) {
            throw new PortMapException("NAT-PMP opcode " + op + " is not an answer");
        }
        if (version != VERSION) {
            // a PCP server that does not speak NAT-PMP answers with its own version and this result
            return new Answer(op - ANSWER, result == 0 ? UNSUPPORTED_VERSION : result, epoch, null, 0, 0, 0);
        }
        if (result != SUCCESS) {
            return new Answer(op - ANSWER, result, epoch, null, 0, 0, 0); // errors may be cut short (section 3.5)
        }
        if (op == ANSWER + OP_EXTERNAL_ADDRESS) {
            if (b.remaining() < 4) {
                throw new PortMapException("NAT-PMP address answer of " + (b.limit()) + " bytes");
            }
            byte[] a = new byte[4];
            b.get(a);
            try {
                return new Answer(OP_EXTERNAL_ADDRESS, result, epoch, InetAddress.getByAddress(a), 0, 0, 0);
            } catch (UnknownHostException e) {
                throw new PortMapException("NAT-PMP address answer unreadable");
            }
        }
        if (b.remaining() < 8) {
            throw new PortMapException("NAT-PMP mapping answer of " + b.limit() + " bytes");
        }
        int internal = b.getShort() & 0xffff;
        int external = b.getShort() & 0xffff;
        long lifetime = b.getInt() & 0xffffffffL;
        return new Answer(op - ANSWER, result, epoch, null, internal, external, lifetime);
    }

    /** Result codes in words, for the log. */
    static String words(int result) {
        return switch (result) {
            case 1 -> "unsupported version";
            case 2 -> "not authorized (mapping switched off on the router)";
            case 3 -> "network failure (the router has no outside address)";
            case 4 -> "out of resources";
            case 5 -> "unsupported opcode";
            default -> "result " + result;
        };
    }
}
