package skiff.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The long options a user always passes, one per line, in {@code $XDG_CONFIG_HOME/skiff/config}
 * (else {@code ~/.config/skiff/config}): {@code max-peers 80}, {@code --seed-time=2h}, {@code seed};
 * {@code #} starts a comment. They apply to downloads, before the command line's own options,
 * which win. A line skiff does not know is a usage error naming the file and the line.
 */
final class ConfigFile {
    /** A config file is a few lines; anything larger is not one. */
    static final int MAX_BYTES = 64 << 10;

    private ConfigFile() {
    }

    static Path defaultPath() {
        String config = System.getenv("XDG_CONFIG_HOME");
        Path base = config != null && !config.isEmpty() ? Path.of(config) : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("skiff").resolve("config");
    }

    /** The file's options as command-line arguments ({@code --name=value} or {@code --name}); none without a file. */
    static List<String> arguments(Path file) throws UsageException {
        List<String> out = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return out;
        }
        List<String> lines;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new UsageException(file + ": larger than " + MAX_BYTES + " bytes; not a config file");
            }
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UsageException(file + ": cannot read it: " + e.getMessage());
        }
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int split = 0;
            while (split < line.length() && line.charAt(split) != '=' && !Character.isWhitespace(line.charAt(split))) {
                split++;
            }
            String name = line.substring(0, split);
            String value = line.substring(split).strip();
            if (value.startsWith("=")) {
                value = value.substring(1).strip();
            }
            if (name.startsWith("-") && !name.startsWith("--") || name.equals("--")) {
                throw new UsageException(file + " line " + (n + 1) + ": long options only (such as max-peers 80), not '" + line + "'");
            }
            name = name.startsWith("--") ? name : "--" + name;
            out.add(value.isEmpty() ? name : name + "=" + value);
        }
        return out;
    }
}
