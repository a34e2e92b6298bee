package skiff.cli;

/** Human-readable sizes in binary units, as users of other clients expect. */
final class Units {
    private static final String[] NAMES = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private Units() {
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        double v = n;
        int unit = 0;
        while (v >= 1024 && unit < NAMES.length - 1) {
            v /= 1024;
            unit++;
        }
        return decimal(v, v >= 100 ? 0 : v >= 10 ? 1 : 2) + " " + NAMES[unit];
    }

    /**
     * {@code v} rounded half up to {@code places} (0 to 3) decimals, with a dot: what
     * {@code String.format(Locale.ROOT, "%.Nf")} prints, but for a last-digit tie the binary value
     * rounds down (9.995 shows as 9.99), and without the formatter's start-up cost.
     */
    static String decimal(double v, int places) {
        if (!Double.isFinite(v)) {
            return String.valueOf(v);
        }
        long scale = places == 0 ? 1 : places == 1 ? 10 : places == 2 ? 100 : 1000;
        long r = Math.round(Math.abs(v) * scale);
        String sign = v < 0 && r != 0 ? "-" : "";
        if (places == 0) {
            return sign + r;
        }
        String frac = Long.toString(r % scale);
        return sign + r / scale + "." + "0".repeat(places - frac.length()) + frac;
    }

    /** {@code s} right-aligned in {@code width} characters, as {@code %Ns} prints it. */
    static String padLeft(String s, int width) {
        return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
    }

    /** {@code s} left-aligned in {@code width} characters, as {@code %-Ns} prints it. */
    static String padRight(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    /** A JSON string literal: quotes, backslashes and control characters escaped (names come from torrents). */
    static String json(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        String hex = Integer.toHexString(c);
                        b.append("\\u").append("0".repeat(4 - hex.length())).append(hex);
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /**
     * A rate as people type it, in KiB/s: a bare number is KiB/s (as before), or with a unit
     * K, M or G (KiB, MiB, GiB per second; a trailing "iB", "B" or "/s" is allowed). -1 when it is none.
     */
    static long parseRateKib(String value) {
        String v = value.trim().toUpperCase(java.util.Locale.ROOT).replace("/S", "");
        long mult = 1;
        for (String unit : new String[] {"KIB", "KB", "K", "MIB", "MB", "M", "GIB", "GB", "G"}) {
            if (v.endsWith(unit)) {
                mult = unit.charAt(0) == 'K' ? 1 : unit.charAt(0) == 'M' ? 1024 : 1024 * 1024;
                v = v.substring(0, v.length() - unit.length()).trim();
                break;
            }
        }
        try {
            double d = Double.parseDouble(v) * mult;
            return d >= 0 && d <= Integer.MAX_VALUE && !v.isEmpty() ? Math.round(d) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** A duration as people type it: a bare number is minutes (1.5 too), or 90s, 30m, 2h, 1d. -1 when it is none. */
    static long parseDurationMillis(String value) {
        String v = value.trim().toLowerCase(java.util.Locale.ROOT);
        long unit = 60_000;
        if (!v.isEmpty() && "smhd".indexOf(v.charAt(v.length() - 1)) >= 0) {
            unit = switch (v.charAt(v.length() - 1)) {
                case 's' -> 1000;
                case 'm' -> 60_000;
                case 'h' -> 3_600_000;
                default -> 86_400_000;
            };
            v = v.substring(0, v.length() - 1);
        }
        try {
            double d = Double.parseDouble(v) * unit;
            return d > 0 && d < 1e15 && !v.isEmpty() ? Math.round(d) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
