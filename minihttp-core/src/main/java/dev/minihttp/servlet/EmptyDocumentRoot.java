package dev.minihttp.servlet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The document root of a context that was given none: an empty temporary directory, created on
 * first use and deleted when the context stops. Tomcat and Jetty under Spring Boot always have a
 * document root (Boot gives them a temporary "docbase"), and Spring's
 * {@code ServletContextResource} and other libraries probe {@code getResource("/")} or
 * {@code getRealPath("/")} expecting an answer; an empty directory gives one without serving
 * anything.
 */
final class EmptyDocumentRoot {

    private static final Logger log = LoggerFactory.getLogger(EmptyDocumentRoot.class);

    private Path directory;

    /** The directory, created now if need be; null when the temp directory cannot be written. */
    synchronized Path path() {
        if (directory == null) {
            try {
                directory = Files.createTempDirectory("minihttp-docbase-").toAbsolutePath().normalize();
                directory.toFile().deleteOnExit(); // in case the context is never stopped
            } catch (IOException | RuntimeException e) {
                log.warn("Cannot create an empty document root in {}: {}", System.getProperty("java.io.tmpdir"), e.toString());
                return null;
            }
        }
        return directory;
    }

    /** Removes the directory with whatever the application wrote into it. */
    synchronized void delete() {
        if (directory == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException | RuntimeException e) {
            log.debug("Could not delete the empty document root {}", directory, e);
        }
        directory = null;
    }
}
