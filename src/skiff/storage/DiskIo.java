package skiff.storage;

/** How block payloads reach the files. */
public enum DiskIo {
    /**
     * Payloads are read from the socket straight into mapped windows: no copy in user space, but
     * the kernel faults in and zeroes every page of a new file before the payload lands on it.
     */
    MAPPED,
    /**
     * Whole blocks are assembled in a small pooled buffer, then written with one positional write
     * ({@code pwrite}) each: a copy more, yet less kernel work per page than faulting (system
     * CPU 3.0-3.2 s per GiB down to 1.6-2.0 on ext4), and a full disk is a plain error.
     */
    POSITIONAL
}
