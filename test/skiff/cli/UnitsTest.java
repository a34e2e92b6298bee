package skiff.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Sizes and decimals as the status line prints them. */
class UnitsTest {
    @Test
    void sizesUseBinaryUnitsWithThreeSignificantDigits() {
        assertEquals("0 B", Units.bytes(0));
        assertEquals("1023 B", Units.bytes(1023));
        assertEquals("1.00 KiB", Units.bytes(1024));
        assertEquals("1.50 KiB", Units.bytes(1536));
        assertEquals("10.0 MiB", Units.bytes(10L << 20));
        assertEquals("150 GiB", Units.bytes(150L << 30));
        assertEquals("1024 KiB", Units.bytes((1L << 20) - 1)); // rounds up past the unit, as before
        assertEquals("8.00 EiB", Units.bytes(Long.MAX_VALUE));
    }

    @Test
    void decimalsMatchTheFormatterOffTies() {
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            double v = r.nextDouble() * Math.pow(10, r.nextInt(7));
            for (int places = 0; places <= 3; places++) {
                assertEquals(String.format(Locale.ROOT, "%." + places + "f", v), Units.decimal(v, places), v + " to " + places);
            }
        }
        assertEquals("100.0", Units.decimal(99.96, 1));
        assertEquals("0.05", Units.decimal(0.05, 2));
        assertEquals("NaN", Units.decimal(Double.NaN, 1));
    }

    @Test
    void padLeftRightAligns() {
        assertEquals("  5.0", Units.padLeft("5.0", 5));
        assertEquals("100.0", Units.padLeft("100.0", 5));
        assertEquals("123456", Units.padLeft("123456", 5));
    }
}
