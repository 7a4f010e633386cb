package dev.minihttp;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that starts servers: after its last test (and its {@code @AfterAll}), no
 * server thread, socket or temp file of it may remain. See {@link LeakCheck}.
 */
@Documented
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(LeakCheck.class)
public @interface LeakChecked {
}
