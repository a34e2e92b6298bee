package skiff.swarm;

/** What a download tells the user interface. Called on the loop thread. */
public interface Events {
    void debug(String message);

    void info(String message);

    void warn(String message);

    /** Every piece is verified and flushed. */
    void finished();

    /** The download cannot go on (disk full, unwritable folder); one line. */
    void failed(String reason);
}
