package skiff.cli;

/**
 * GNU-style command-line tokens, as getopt_long reads them: {@code --name=value},
 * {@code --name value}, {@code -x value}, {@code -xVALUE}, bundled short flags whose last may
 * take a value ({@code -qd DIR}), {@code --} to end the options, and a lone {@code -} as an operand.
 * What each option means is the caller's.
 */
final class Argv {
    /** The caller's table of options and what they do. */
    interface Options {
        boolean isFlag(String name);

        boolean takesValue(String name);

        void flag(String name) throws UsageException;

        void option(String name, String value) throws UsageException;

        void operand(String arg);
    }

    private Argv() {
    }

    static void scan(String[] argv, int start, Options o) throws UsageException {
        boolean optionsEnded = false;
        for (int i = start; i < argv.length; i++) {
            String arg = argv[i];
            if (optionsEnded || !arg.startsWith("-") || arg.equals("-")) {
                o.operand(arg);
                continue;
            }
            if (arg.equals("--")) {
                optionsEnded = true;
                continue;
            }
            String name;
            String inline;
            if (arg.startsWith("--")) {
                int eq = arg.indexOf('=');
                name = eq < 0 ? arg : arg.substring(0, eq);
                inline = eq < 0 ? null : arg.substring(eq + 1);
            } else {
                name = arg.substring(0, 2);
                inline = arg.length() > 2 ? arg.substring(2) : null;
            }
            boolean flag = o.isFlag(name);
            if (!flag && !o.takesValue(name)) {
                throw new UsageException("unknown option '" + name + "'");
            }
            if (flag && inline != null && name.startsWith("--")) {
                throw new UsageException("option '" + name + "' takes no value");
            }
            if (flag && inline != null) {
                i = bundle(argv, i, o); // -qh, -qd DIR, -qdDIR
                continue;
            }
            if (flag) {
                o.flag(name);
                continue;
            }
            String value = inline;
            if (value == null) {
                if (i + 1 >= argv.length) {
                    throw new UsageException("option '" + name + "' needs a value");
                }
                value = argv[++i];
            }
            o.option(name, value);
        }
    }

    /**
     * Short options bundled in {@code argv[i]}: flags, the last of which may be an option whose
     * value is the rest of the bundle or the next argument. Returns the index of the last argument used.
     */
    private static int bundle(String[] argv, int i, Options o) throws UsageException {
        String arg = argv[i];
        for (int k = 1; k < arg.length(); k++) {
            String name = "-" + arg.charAt(k);
            if (o.isFlag(name)) {
                o.flag(name);
                continue;
            }
            if (!o.takesValue(name)) {
                throw new UsageException("unknown option '" + name + "' in '" + arg + "'");
            }
            String value = arg.substring(k + 1);
            if (value.isEmpty()) {
                if (i + 1 >= argv.length) {
                    throw new UsageException("option '" + name + "' needs a value");
                }
                value = argv[++i];
            }
            o.option(name, value);
            return i;
        }
        return i;
    }
}
