package skiff.storage;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/** A storage failure a user must hear about in one line: disk full, unwritable folder, unsafe path. */
public final class StorageException extends IOException {
    public StorageException(String message) {
        super(message);
    }

    /** "{@code what}: why", with the cause put in words a user reads (not a bare path, not a class name). */
    static StorageException because(String what, IOException cause) {
        return new StorageException(what + ": " + reason(cause));
    }

    /** What the user hears of a file name the JVM's character set cannot hold, wherever it is met. */
    public static String unnamable(java.nio.file.InvalidPathException e) {
        return "cannot name a file \"" + e.getInput() + "\" in this system's character set ("
                + System.getProperty("sun.jnu.encoding") + "): run skiff in a UTF-8 locale, e.g. LC_ALL=C.UTF-8";
    }

    private static String reason(IOException e) {
        if (e instanceof FileAlreadyExistsException f) { // from createDirectories: a file in the way
            return f.getFile() + " exists and is not a folder";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or folder";
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
