package skiff.swarm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import skiff.peer.BlockSink;
import skiff.storage.Storage;
import skiff.storage.StorageException;

/** Block payloads from every connection into storage; a storage failure (disk full) fails the download. */
final class StorageSink implements BlockSink {
    private final Storage storage;
    private final Consumer<String> fail;

    StorageSink(Storage storage, Consumer<String> fail) {
        this.storage = storage;
        this.fail = fail;
    }

    @Override
    public ByteBuffer lendBlockBuffer(int length) {
        return storage.lendBlockBuffer(length);
    }

    @Override
    public void returnBlockBuffer(ByteBuffer buffer) {
        storage.returnBlockBuffer(buffer);
    }

    @Override
    public void write(long offset, ByteBuffer bytes) throws IOException {
        try {
            storage.write(offset, bytes);
        } catch (StorageException e) {
            fail.accept(e.getMessage());
            throw e;
        }
    }
}
