package dev.minihttp.reliability;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real reverse proxy from the distribution (HAProxy or nginx) in front of a backend on
 * 127.0.0.1, with a generated configuration in a temp directory: it listens on an ephemeral
 * loopback port, refuses every path under {@code /probe} itself (so only a desync can bring such
 * a request to the backend), and keeps connections to the backend alive so that a poisoned
 * backend connection would be reused by the next client.
 */
final class ReverseProxy implements AutoCloseable {

    enum Kind {
        HAPROXY("/usr/sbin/haproxy"),
        NGINX("/usr/sbin/nginx");

        final Path binary;

        Kind(String binary) {
            this.binary = Path.of(binary);
        }

        boolean isInstalled() {
            return Files.isExecutable(binary);
        }

        /** "HAProxy 2.6.12" / "nginx 1.22.1", for the results table. */
        String version() {
            try {
                Process process = new ProcessBuilder(binary.toString(), this == HAPROXY ? "-v" : "-v")
                        .redirectErrorStream(true).start();
                String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                process.waitFor(5, TimeUnit.SECONDS);
                String first = out.lines().findFirst().orElse("");
                if (this == HAPROXY) {
                    // "HAProxy version 2.6.12-1+deb12u4 2026/10/17 - https://haproxy.org/"
                    String[] words = first.split(" ");
                    return "HAProxy " + (words.length > 2 ? words[2].split("-")[0] : "?");
                }
                // "nginx version: nginx/1.22.1"
                return "nginx " + first.substring(first.indexOf('/') + 1).trim();
            } catch (IOException | InterruptedException e) {
                return this == HAPROXY ? "HAProxy" : "nginx";
            }
        }
    }

    /** Seconds the proxies wait for a client's head or body before giving up: keeps each payload short. */
    static final int CLIENT_TIMEOUT_SECONDS = 3;

    private final Kind kind;
    private final Process process;
    private final int port;
    private final Path directory;

    private ReverseProxy(Kind kind, Process process, int port, Path directory) {
        this.kind = kind;
        this.process = process;
        this.port = port;
        this.directory = directory;
    }

    static ReverseProxy start(Kind kind, Path directory, int backendPort) throws IOException, InterruptedException {
        int port = freePort();
        List<String> command;
        if (kind == Kind.HAPROXY) {
            Path config = directory.resolve("haproxy.cfg");
            Files.writeString(config, haproxyConfig(port, backendPort));
            // -db: foreground, no daemon; the process ends when we destroy it.
            command = List.of(kind.binary.toString(), "-db", "-f", config.toString());
        } else {
            Path config = directory.resolve("nginx.conf");
            Files.writeString(config, nginxConfig(directory, port, backendPort));
            command = List.of(kind.binary.toString(), "-p", directory + "/", "-c", config.toString(),
                    "-e", directory.resolve("error.log").toString());
        }
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("stdout.log").toFile())
                .start();
        ReverseProxy proxy = new ReverseProxy(kind, process, port, directory);
        proxy.awaitListening();
        return proxy;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    static String haproxyConfig(int port, int backendPort) {
        return """
                global
                    maxconn 512
                defaults
                    mode http
                    timeout connect 3s
                    timeout client %1$ds
                    timeout http-request %1$ds
                    timeout http-keep-alive %1$ds
                    timeout server 10s
                frontend front
                    bind 127.0.0.1:%2$d
                    http-request deny if { path_beg /probe }
                    default_backend minihttp
                backend minihttp
                    # Share backend connections between clients: a poisoned one would be noticed.
                    http-reuse always
                    server app 127.0.0.1:%3$d
                """.formatted(CLIENT_TIMEOUT_SECONDS, port, backendPort);
    }

    static String nginxConfig(Path dir, int port, int backendPort) {
        return """
                daemon off;
                master_process off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log info;
                events { worker_connections 512; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    client_header_timeout %2$ds;
                    client_body_timeout %2$ds;
                    keepalive_timeout 10s;
                    upstream minihttp {
                        server 127.0.0.1:%4$d;
                        keepalive 2;
                    }
                    server {
                        listen 127.0.0.1:%3$d;
                        location /probe { return 403; }
                        location / {
                            proxy_pass http://minihttp;
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                            proxy_connect_timeout 3s;
                            proxy_read_timeout 10s;
                        }
                    }
                }
                """.formatted(dir, CLIENT_TIMEOUT_SECONDS, port, backendPort);
    }

    private void awaitListening() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            if (!process.isAlive()) {
                throw new IOException(kind + " exited with " + process.exitValue() + ": " + log());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() - deadline > 0) {
                    close();
                    throw new IOException(kind + " did not listen on " + port + " within 15 s: " + log());
                }
                Thread.sleep(50);
            }
        }
    }

    int port() {
        return port;
    }

    Kind kind() {
        return kind;
    }

    /** What the proxy wrote (start-up errors, nginx's error log), for failure messages. */
    String log() {
        StringBuilder text = new StringBuilder();
        for (String name : List.of("stdout.log", "error.log")) {
            Path file = directory.resolve(name);
            try {
                if (Files.exists(file)) {
                    String content = Files.readString(file, StandardCharsets.ISO_8859_1);
                    text.append(content, Math.max(0, content.length() - 4000), content.length());
                }
            } catch (IOException ignored) {
                // diagnostics only
            }
        }
        return text.toString();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
