package skiff.cli;

/** Bad command-line usage: printed as one line with a hint to --help, exit 2. */
final class UsageException extends Exception {
    UsageException(String message) {
        super(message);
    }
}
