package skiff.testutil;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real HTTPS endpoint on 127.0.0.1: nginx with a throw-away certificate for "localhost",
 * proxying to a plain HTTP backend. {@link #trusting()} gives an SSLContext whose trust store
 * holds only that certificate.
 */
public final class TlsProxy implements AutoCloseable {
    public final int port;
    private final Process process;
    /** The server's own folder (configuration, logs), removed when it stops. */
    private final Path dir;
    private final Path certificate;

    private TlsProxy(int port, Process process, Path certificate, Path dir) {
        this.dir = dir;
        this.port = port;
        this.process = process;
        this.certificate = certificate;
    }

    public static TlsProxy start(int backendPort) throws IOException, InterruptedException {
        String nginx = Tools.require("nginx");
        String openssl = Tools.require("openssl");
        Path dir = Files.createTempDirectory("tlsproxy");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        run(List.of(openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
            "-keyout", key.toString(), "-out", cert.toString()));
        for (int tries = 0; tries < 5; tries++) {
            int port = Ports.free();
            String conf = "worker_processes 1;\npid " + dir.resolve("nginx.pid") + ";\nerror_log " + dir.resolve("error.log") + ";\n"
                + "events { worker_connections 64; }\n"
                + "http {\n access_log off;\n client_body_temp_path " + dir + ";\n proxy_temp_path " + dir + ";\n"
                + " server {\n  listen 127.0.0.1:" + port + " ssl;\n  server_name localhost;\n"
                + "  ssl_certificate " + cert + ";\n  ssl_certificate_key " + key + ";\n"
                + "  location / { proxy_pass http://127.0.0.1:" + backendPort + "; }\n }\n}\n";
            Path confFile = Files.writeString(dir.resolve("nginx.conf"), conf);
            Process p = new ProcessBuilder(nginx, "-p", dir.toString(), "-c", confFile.toString(), "-g", "daemon off;")
                .redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile()).start();
            if (Procs.waitForPort(port, p, 10)) {
                return new TlsProxy(port, p, cert, dir);
            }
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        throw new IOException("nginx did not start; see " + dir);
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("failed: " + cmd);
        }
    }

    /** A TLS context that trusts this proxy's certificate and nothing else. */
    public SSLContext trusting() throws Exception {
        KeyStore ks = trustStore();
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private KeyStore trustStore() throws Exception {
        Certificate c = CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(certificate)));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("test", c);
        return ks;
    }

    /**
     * The JVM options under which another process (skiff) trusts this proxy's certificate and
     * nothing else: a PKCS12 trust store written to {@code dir}.
     */
    public java.util.List<String> trustingJvmOptions(Path dir) throws Exception {
        Path file = dir.resolve("truststore.p12");
        try (java.io.OutputStream out = Files.newOutputStream(file)) {
            trustStore().store(out, "changeit".toCharArray());
        }
        return List.of("-Djavax.net.ssl.trustStore=" + file, "-Djavax.net.ssl.trustStorePassword=changeit",
            "-Djavax.net.ssl.trustStoreType=PKCS12");
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
