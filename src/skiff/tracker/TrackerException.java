package skiff.tracker;

/** An announce or scrape that failed, with a reason a user can read in one line. */
public final class TrackerException extends Exception {
    public TrackerException(String message) {
        super(message);
    }
}
