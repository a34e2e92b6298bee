package skiff.testutil;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** nginx serving a folder's files on 127.0.0.1 (range requests, keep-alive): a real web seed. */
public final class WebServer implements AutoCloseable {
    public final int port;
    private final Process process;
    /** The server's own folder (configuration, logs), removed when it stops. */
    private final Path dir;
    private final Path accessLog;

    private WebServer(int port, Process process, Path accessLog, Path dir) {
        this.dir = dir;
        this.port = port;
        this.process = process;
        this.accessLog = accessLog;
    }

    public static WebServer start(Path root) throws IOException, InterruptedException {
        String nginx = Tools.require("nginx");
        Path dir = Files.createTempDirectory("webserver");
        Path access = dir.resolve("access.log");
        for (int tries = 0; tries < 5; tries++) {
            int port = Ports.free();
            // workers run as root (when nginx is started by root): a test's temporary folder is readable by its owner alone
            String conf = "user root;\nworker_processes 1;\npid " + dir.resolve("nginx.pid") + ";\nerror_log " + dir.resolve("error.log") + ";\n"
                + "events { worker_connections 64; }\n"
                + "http {\n access_log " + access + ";\n client_body_temp_path " + dir + ";\n"
                + " server {\n  listen 127.0.0.1:" + port + ";\n  root " + root.toAbsolutePath() + ";\n }\n}\n";
            Path confFile = Files.writeString(dir.resolve("nginx.conf"), conf);
            Process p = new ProcessBuilder(nginx, "-p", dir.toString(), "-c", confFile.toString(), "-g", "daemon off;")
                .redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile()).start();
            if (Procs.waitForPort(port, p, 10)) {
                return new WebServer(port, p, access, dir);
            }
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        throw new IOException("nginx did not start; see " + dir);
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** nginx's access log: one line per request, with its status and body size. */
    public String accessLog() throws IOException {
        return Files.exists(accessLog) ? Files.readString(accessLog) : "";
    }

    @Override
    public void close() throws InterruptedException, IOException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        Folders.deleteTree(dir);
    }
}
