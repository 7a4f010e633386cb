package dev.minihttp.boot.autoconfigure;

import dev.minihttp.boot.UnsupportedServerFeatureException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns "TLS/HTTP/2 asked for" into a startup report that says what to do instead. */
class UnsupportedServerFeatureFailureAnalyzer extends AbstractFailureAnalyzer<UnsupportedServerFeatureException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, UnsupportedServerFeatureException cause) {
        return new FailureAnalysis(cause.getMessage() + ". minihttp will not start rather than serve plain "
                + "HTTP/1.1 where something else was asked for.",
                "Remove " + cause.getProperty() + " (terminate TLS and HTTP/2 at a reverse proxy or load balancer "
                        + "in front of minihttp), or run this application on Tomcat or Jetty.",
                cause);
    }
}
