import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;

/**
 * Cuts the unwind tables (.eh_frame and .eh_frame_hdr) out of a 64-bit little-endian ELF shared
 * library, for `make image`: libjvm.so's are 1.8 MB of the image. They are read only to unwind the
 * stack through the library's C++ frames, and HotSpot never does: it is built without C++
 * exceptions (no __cxa_throw, no personality routine, no _Unwind_ or backtrace call among its
 * imports), and its crash reports walk native frames by their frame pointers. What loses them is a
 * debugger or profiler unwinding libjvm's frames by DWARF (gdb, jhsdb's mixed-mode jstack).
 *
 * The tables end the read-only data segment; what follows them in the file (the writable segment,
 * the section headers) moves down by the largest multiple of the segments' alignment that fits, so
 * every segment keeps its address and its offset stays congruent to it. The PT_GNU_EH_FRAME header
 * becomes PT_NULL, so an unwinder that does ask finds no table rather than a stale one; every other
 * header (RELRO included) is kept. A file this cannot cut cleanly is left as it is, with a line
 * saying why. Usage: java tools/DropUnwindTables.java LIB.so... A build tool, not skiff.
 */
public class DropUnwindTables {
    private static final int PT_LOAD = 1;
    private static final int PT_GNU_EH_FRAME = 0x6474e550;
    private static final int SHT_NOBITS = 8;

    public static void main(String[] args) throws Exception {
        for (String a : args) {
            Path p = Path.of(a);
            byte[] in = Files.readAllBytes(p);
            Elf e = isElf64LittleEndian(in) ? new Elf(in) : null;
            String why = e == null ? "not 64-bit little-endian ELF" : e.whyNot();
            if (why != null) {
                System.err.println(p + ": unwind tables kept (" + why + ")");
                continue;
            }
            byte[] out = cut(in, e);
            Path tmp = p.resolveSibling(p.getFileName() + ".tmp");
            Files.write(tmp, out);
            Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(p));
            Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static boolean isElf64LittleEndian(byte[] f) {
        return f.length >= 64 && f[0] == 0x7f && f[1] == 'E' && f[2] == 'L' && f[3] == 'F' && f[4] == 2 && f[5] == 1;
    }

    private static byte[] cut(byte[] elf, Elf e) {
        long next = e.nextContent();
        long delta = e.delta();
        // [0, cutStart) stays, then zeros up to next - delta, then [next, end) moved down by delta
        byte[] out = Arrays.copyOf(elf, Math.toIntExact(elf.length - delta));
        Arrays.fill(out, Math.toIntExact(e.cutStart), Math.toIntExact(next - delta), (byte) 0);
        System.arraycopy(elf, Math.toIntExact(next), out, Math.toIntExact(next - delta), Math.toIntExact(elf.length - next));
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < e.phnum; i++) {
            int ph = e.program(i);
            int type = b.getInt(ph);
            long off = b.getLong(ph + 8);
            if (i == e.cutSegment) {
                long size = e.cutStart - off;
                b.putLong(ph + 32, size).putLong(ph + 40, size);
            } else if (type == PT_GNU_EH_FRAME) {
                Arrays.fill(out, ph, ph + e.phentsize, (byte) 0);
            } else if (off >= next) {
                b.putLong(ph + 8, off - delta);
            }
        }
        int cutPh = e.program(e.cutSegment);
        long cutAddress = e.cutStart - e.b.getLong(cutPh + 8) + e.b.getLong(cutPh + 16);
        for (int i = 0; i < e.shnum; i++) {
            int sh = Math.toIntExact(e.shoff + (long) i * e.shentsize) - (e.shoff >= next ? Math.toIntExact(delta) : 0);
            long off = b.getLong(sh + 24);
            if (i == e.ehFrame || i == e.ehFrameHdr) {
                b.putLong(sh + 16, cutAddress).putLong(sh + 24, e.cutStart).putLong(sh + 32, 0);
            } else if (off >= next) {
                b.putLong(sh + 24, off - delta);
            }
        }
        if (e.shoff >= next) {
            b.putLong(0x28, e.shoff - delta);
        }
        return out;
    }

    /** The headers of an ELF file this reads, and where its unwind tables lie. */
    private static final class Elf {
        final ByteBuffer b;
        final long phoff;
        final long shoff;
        final int phentsize;
        final int phnum;
        final int shentsize;
        final int shnum;
        int ehFrame = -1;
        int ehFrameHdr = -1;
        long cutStart = Long.MAX_VALUE;
        long cutEnd = -1;
        int cutSegment = -1;

        Elf(byte[] elf) {
            b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
            phoff = b.getLong(0x20);
            shoff = b.getLong(0x28);
            phentsize = b.getShort(0x36) & 0xffff;
            phnum = b.getShort(0x38) & 0xffff;
            shentsize = b.getShort(0x3a) & 0xffff;
            shnum = b.getShort(0x3c) & 0xffff;
            int shstrndx = b.getShort(0x3e) & 0xffff;
            long strtab = b.getLong(section(shstrndx) + 24);
            for (int i = 0; i < shnum; i++) {
                int sh = section(i);
                String name = cString(elf, Math.toIntExact(strtab + b.getInt(sh)));
                if (name.equals(".eh_frame") || name.equals(".eh_frame_hdr")) {
                    if (name.equals(".eh_frame")) {
                        ehFrame = i;
                    } else {
                        ehFrameHdr = i;
                    }
                    long off = b.getLong(sh + 24);
                    cutStart = Math.min(cutStart, off);
                    cutEnd = Math.max(cutEnd, off + b.getLong(sh + 32));
                }
            }
            if (ehFrame < 0) {
                return;
            }
            for (int i = 0; i < phnum; i++) {
                int ph = program(i);
                long off = b.getLong(ph + 8);
                long fileSize = b.getLong(ph + 32);
                boolean writable = (b.getInt(ph + 4) & 2) != 0;
                if (b.getInt(ph) == PT_LOAD && !writable && off < cutStart && off + fileSize == cutEnd
                        && fileSize == b.getLong(ph + 40)) {
                    cutSegment = i;
                }
            }
            if (cutSegment >= 0 && !onlyTablesBetween(cutStart, nextContent())) {
                cutSegment = -1;
            }
        }

        /** True if no section but the tables has bytes in [from, to) of the file. */
        private boolean onlyTablesBetween(long from, long to) {
            for (int i = 0; i < shnum; i++) {
                int sh = section(i);
                long off = b.getLong(sh + 24);
                boolean bytes = b.getInt(sh + 4) != SHT_NOBITS && b.getLong(sh + 32) > 0;
                if (i != ehFrame && i != ehFrameHdr && bytes && off >= from && off < to) {
                    return false;
                }
            }
            return true;
        }

        /** Null if this file's tables can be cut; else why not. */
        String whyNot() {
            if (ehFrame < 0) {
                return "no .eh_frame";
            }
            if (cutSegment < 0) {
                return "the tables do not end a read-only PT_LOAD segment, alone";
            }
            return delta() == 0 ? "too small to move the rest by a whole page" : null;
        }

        /** The file offset of the first segment after the tables. */
        long nextContent() {
            long next = Long.MAX_VALUE;
            for (int i = 0; i < phnum; i++) {
                int ph = program(i);
                long off = b.getLong(ph + 8);
                if (b.getInt(ph) == PT_LOAD && off >= cutEnd) {
                    next = Math.min(next, off);
                }
            }
            return next == Long.MAX_VALUE ? cutEnd : next;
        }

        /** How far what follows the tables moves down: whole multiples of the largest PT_LOAD alignment. */
        long delta() {
            long align = 1;
            for (int i = 0; i < phnum; i++) {
                int ph = program(i);
                if (b.getInt(ph) == PT_LOAD) {
                    align = Math.max(align, b.getLong(ph + 48));
                }
            }
            return (nextContent() - cutStart) / align * align;
        }

        private int section(int i) {
            return Math.toIntExact(shoff + (long) i * shentsize);
        }

        private int program(int i) {
            return Math.toIntExact(phoff + (long) i * phentsize);
        }

        private static String cString(byte[] a, int from) {
            int end = from;
            while (a[end] != 0) {
                end++;
            }
            return new String(a, from, end - from, StandardCharsets.US_ASCII);
        }
    }
}
