package skiff.cli;

/** Process exit codes, documented in README.md. */
final class ExitCode {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    /** 128 + SIGINT, as shells report an interrupted command. */
    static final int INTERRUPTED = 130;

    private ExitCode() {
    }
}
