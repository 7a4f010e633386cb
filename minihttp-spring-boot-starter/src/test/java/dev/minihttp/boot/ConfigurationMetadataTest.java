package dev.minihttp.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** IDEs complete every minihttp.* property with a description and its default. */
class ConfigurationMetadataTest {

    @Test
    void metadataListsEveryPropertyWithDescriptionAndDefault() throws Exception {
        JsonMapper json = JsonMapper.builder().build();
        Map<String, JsonNode> properties = new HashMap<>();
        for (String file : List.of("META-INF/spring-configuration-metadata.json")) {
            try (InputStream in = getClass().getClassLoader().getResourceAsStream(file)) {
                assertThat(in).as(file).isNotNull();
                json.readTree(in).get("properties").forEach(p -> properties.put(p.get("name").asString(), p));
            }
        }
        List<String> expected = List.of("minihttp.threads", "minihttp.min-threads", "minihttp.thread-idle-timeout",
                "minihttp.queue-capacity", "minihttp.queue-timeout",
                "minihttp.io-threads", "minihttp.tls-handshake-threads", "minihttp.max-connections", "minihttp.request-head-timeout",
                "minihttp.idle-timeout", "minihttp.max-request-body-size", "minihttp.body-buffer-threshold",
                "minihttp.max-headers", "minihttp.max-keep-alive-requests", "minihttp.virtual-threads",
                "minihttp.access-log.enabled", "minihttp.allow-trace", "minihttp.reserved-lane.threads",
                "minihttp.reserved-lane.queue-capacity", "minihttp.reserved-lane.paths", "minihttp.additional-ports",
                "minihttp.websocket.enabled", "minihttp.websocket.max-message-size", "minihttp.websocket.idle-timeout",
                "minihttp.websocket.ping-interval", "minihttp.websocket.compression",
                "minihttp.http2.max-concurrent-streams", "minihttp.http2.initial-window-size",
                "minihttp.http2.max-resets-per-second", "minihttp.http2.max-control-frames-per-second");
        for (String name : expected) {
            assertThat(properties).as(name).containsKey(name);
            assertThat(properties.get(name).hasNonNull("description")).as(name + " description").isTrue();
            // No fixed default: one follows another property, the other the number of CPUs.
            if (!name.equals("minihttp.virtual-threads") && !name.equals("minihttp.tls-handshake-threads")) {
                assertThat(properties.get(name).hasNonNull("defaultValue")).as(name + " default").isTrue();
            }
        }
        assertThat(properties.get("minihttp.threads").get("defaultValue").asInt()).isEqualTo(200);
        assertThat(properties.get("minihttp.virtual-threads").get("description").asString())
                .contains("spring.threads.virtual.enabled");
        // Its default is another property's value: a fixed "false" here would contradict the description.
        assertThat(properties.get("minihttp.virtual-threads").has("defaultValue"))
                .as("minihttp.virtual-threads has no fixed default").isFalse();

        // Every property the class binds is listed: a new field without metadata fails here.
        List<String> bound = new java.util.ArrayList<>();
        collect("minihttp", dev.minihttp.boot.autoconfigure.MiniHttpProperties.class, bound);
        assertThat(bound).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(properties.keySet().stream().filter(name -> name.startsWith("minihttp.")))
                .containsExactlyInAnyOrderElementsOf(expected);
    }

    /** The property names Boot binds from a class's fields, nested classes by their own prefix. */
    private static void collect(String prefix, Class<?> type, List<String> names) {
        for (java.lang.reflect.Field field : type.getDeclaredFields()) {
            // Transient fields hold collaborators (the Environment), not properties.
            if (java.lang.reflect.Modifier.isStatic(field.getModifiers())
                    || java.lang.reflect.Modifier.isTransient(field.getModifiers())) {
                continue;
            }
            String name = prefix + "." + field.getName().replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
            if (field.getType().getEnclosingClass() == dev.minihttp.boot.autoconfigure.MiniHttpProperties.class) {
                collect(name, field.getType(), names);
            } else {
                names.add(name);
            }
        }
    }
}
