package skiff.testutil;

import java.nio.charset.StandardCharsets;

/** Small helpers for byte fixtures. */
public final class Bytes {
    private Bytes() {
    }

    public static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
