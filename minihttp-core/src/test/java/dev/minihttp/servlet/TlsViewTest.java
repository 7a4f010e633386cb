package dev.minihttp.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.servlet.SessionTrackingMode;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The parts of the TLS view of a request that need no connection: key sizes and SSL session tracking rules. */
class TlsViewTest {

    @Test
    void keySizeFollowsTheCipherSuiteAsTomcatDerivesIt() {
        assertThat(TlsRequestAttributes.keySize("TLS_AES_128_GCM_SHA256")).isEqualTo(128);
        assertThat(TlsRequestAttributes.keySize("TLS_AES_256_GCM_SHA384")).isEqualTo(256);
        assertThat(TlsRequestAttributes.keySize("TLS_CHACHA20_POLY1305_SHA256")).isEqualTo(256);
        assertThat(TlsRequestAttributes.keySize("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")).isEqualTo(128);
        assertThat(TlsRequestAttributes.keySize("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256")).isEqualTo(256);
        assertThat(TlsRequestAttributes.keySize("TLS_NULL_WITH_NULL_NULL")).isNull();
    }

    @Test
    void sslSessionTrackingOnlyOverTlsAndOnlyAlone() {
        assertThatThrownBy(() -> initializeWith(false, EnumSet.of(SessionTrackingMode.SSL)))
                .hasStackTraceContaining("SSL session tracking is not supported");
        assertThatThrownBy(() -> initializeWith(true, EnumSet.of(SessionTrackingMode.SSL, SessionTrackingMode.COOKIE)))
                .hasStackTraceContaining("cannot be combined");
        ServletContainer container = initializeWith(true, EnumSet.of(SessionTrackingMode.SSL));
        assertThat(container.context().getEffectiveSessionTrackingModes()).containsExactly(SessionTrackingMode.SSL);
        container.stop();
    }

    private static ServletContainer initializeWith(boolean overTls, Set<SessionTrackingMode> modes) {
        ServletContainer container = new ServletContainer().servedOverTls(overTls);
        container.addInitializer((classes, context) -> context.setSessionTrackingModes(modes));
        try {
            container.initialize();
        } catch (Exception e) {
            container.stop();
            throw new IllegalStateException(e);
        }
        return container;
    }
}
