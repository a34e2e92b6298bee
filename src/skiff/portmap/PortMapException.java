package skiff.portmap;

/** A router's answer that is not one: malformed, oversized, or from somewhere else. */
final class PortMapException extends Exception {
    PortMapException(String message) {
        super(message);
    }
}
