package skiff.swarm;

/** What a download tells the user interface. Called on the loop thread. */
public interface Events {
    void debug(String message);

    /** Whether debug messages are wanted, so hot paths can skip building them. */
    boolean debugging();

    void info(String message);

    void warn(String message);

    /** Every piece is verified and flushed; seeding may follow. */
    void completed();

    /** Nothing more to do: downloaded (and, if asked, seeded). */
    void done();

    /** The download cannot go on (disk full, unwritable folder); one line. */
    void failed(String reason);
}
