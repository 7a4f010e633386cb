package dev.minihttp.server;

import dev.minihttp.tls.TlsChannel;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLSession;

/**
 * Handshakes by outcome, for every TLS listener of a server: {@code success}, or the failure's
 * reason ({@code protocol}, {@code cipher}, {@code client_certificate}, {@code alert_...},
 * {@code timeout}, {@code closed}, {@code cleartext_http}, {@code not_tls}, {@code renegotiation}...).
 * A bad client rollout or an expired chain shows up as one reason growing.
 */
final class TlsHandshakeCounter implements TlsChannel.Events {

    static final String SUCCESS = "success";

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    @Override
    public void handshakeSucceeded(SSLSession session) {
        count(SUCCESS);
    }

    @Override
    public void handshakeFailed(String reason) {
        count(reason);
    }

    private void count(String key) {
        counts.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    Map<String, Long> snapshot() {
        Map<String, Long> copy = new TreeMap<>();
        counts.forEach((key, count) -> copy.put(key, count.sum()));
        return copy;
    }
}
