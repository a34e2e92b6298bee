package skiff.storage;

import java.io.IOException;

/** A storage failure a user must hear about in one line: disk full, unwritable folder, unsafe path. */
public final class StorageException extends IOException {
    public StorageException(String message) {
        super(message);
    }
}
