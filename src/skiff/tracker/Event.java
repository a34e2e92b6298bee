package skiff.tracker;

/** The announce event (BEP 3); the codes are BEP 15's. */
public enum Event {
    NONE(0, null), COMPLETED(1, "completed"), STARTED(2, "started"), STOPPED(3, "stopped");

    final int udpCode;
    final String httpName;

    Event(int udpCode, String httpName) {
        this.udpCode = udpCode;
        this.httpName = httpName;
    }
}
