package skiff.storage;

import java.nio.file.Path;
import java.util.List;
import skiff.metainfo.Metainfo;

/** Entry point for the fuzzer into the resume-file parser. */
public final class StorageFuzzTargets {
    private final ResumeFile resume;
    private final List<long[]> stamps;

    public StorageFuzzTargets(Metainfo m, Path dir) throws StorageException {
        this.resume = new ResumeFile(new Storage(new FileMap(m), dir));
        this.stamps = resume.fileStamps();
    }

    public void resume(byte[] input) {
        resume.parse(input, stamps);
    }
}
