package dev.minihttp.servlet;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file sessions are kept in while the context is stopped (Tomcat's StandardManager keeps
 * them in {@code SESSIONS.ser} the same way). Each attribute is serialised on its own, so one
 * that cannot be written or read back costs that attribute only, with a warning, never the
 * session or the file.
 */
final class SessionFile {

    private static final Logger log = LoggerFactory.getLogger(SessionFile.class);
    private static final int FORMAT = 1;

    private final Path file;

    SessionFile(Path file) {
        this.file = file;
    }

    Path path() {
        return file;
    }

    /** Writes the sessions to a temp file beside the target, then moves it into place: a crash never leaves half a file. */
    void write(List<PersistedSession> sessions) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path temp = Files.createTempFile(directory, file.getFileName().toString(), ".tmp");
        try {
            try (ObjectOutputStream out = new ObjectOutputStream(new BufferedOutputStream(Files.newOutputStream(temp)))) {
                out.writeInt(FORMAT);
                out.writeInt(sessions.size());
                for (PersistedSession session : sessions) {
                    writeSession(out, session);
                }
            }
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void writeSession(ObjectOutputStream out, PersistedSession session) throws IOException {
        Map<String, byte[]> values = new HashMap<>();
        session.attributes().forEach((name, value) -> {
            byte[] bytes = serialized(session.id(), name, value);
            if (bytes != null) {
                values.put(name, bytes);
            }
        });
        out.writeUTF(session.id());
        out.writeLong(session.creationTime());
        out.writeLong(session.lastAccessedTime());
        out.writeLong(session.thisAccessTime());
        out.writeInt(session.maxInactiveInterval());
        out.writeBoolean(session.isNew());
        out.writeInt(values.size());
        for (Map.Entry<String, byte[]> value : values.entrySet()) {
            out.writeUTF(value.getKey());
            out.writeInt(value.getValue().length);
            out.write(value.getValue());
        }
    }

    private static byte[] serialized(String sessionId, String name, Object value) {
        if (!(value instanceof Serializable)) {
            log.warn("Session attribute {} of session {} is not Serializable ({}): it is not persisted",
                    name, sessionId, value.getClass().getName());
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (IOException e) {
            log.warn("Session attribute {} of session {} could not be serialised: it is not persisted", name, sessionId, e);
            return null;
        }
        return bytes.toByteArray();
    }

    /** The sessions in the file (none when there is no file), attribute classes resolved by {@code classLoader}. */
    List<PersistedSession> read(ClassLoader classLoader) throws IOException {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try (ObjectInputStream in = new ObjectInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            int format = in.readInt();
            if (format != FORMAT) {
                throw new IOException("Unknown session file format " + format + " in " + file);
            }
            int count = in.readInt();
            List<PersistedSession> sessions = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String id = in.readUTF();
                long creationTime = in.readLong();
                long lastAccessedTime = in.readLong();
                long thisAccessTime = in.readLong();
                int maxInactiveInterval = in.readInt();
                boolean isNew = in.readBoolean();
                int attributeCount = in.readInt();
                Map<String, Object> attributes = new HashMap<>();
                for (int a = 0; a < attributeCount; a++) {
                    String name = in.readUTF();
                    byte[] bytes = in.readNBytes(in.readInt());
                    Object value = deserialized(id, name, bytes, classLoader);
                    if (value != null) {
                        attributes.put(name, value);
                    }
                }
                sessions.add(new PersistedSession(id, creationTime, lastAccessedTime, thisAccessTime,
                        maxInactiveInterval, isNew, attributes));
            }
            return sessions;
        }
    }

    private static Object deserialized(String sessionId, String name, byte[] bytes, ClassLoader classLoader) {
        try (ObjectInputStream in = new ApplicationObjectInputStream(new ByteArrayInputStream(bytes), classLoader)) {
            return in.readObject();
        } catch (IOException | ClassNotFoundException e) {
            log.warn("Session attribute {} of session {} could not be read back: it is dropped", name, sessionId, e);
            return null;
        }
    }

    /** Resolves classes with the application's class loader: the attributes are its objects. */
    private static final class ApplicationObjectInputStream extends ObjectInputStream {

        private final ClassLoader classLoader;

        ApplicationObjectInputStream(InputStream in, ClassLoader classLoader) throws IOException {
            super(in);
            this.classLoader = classLoader;
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass description) throws IOException, ClassNotFoundException {
            try {
                return Class.forName(description.getName(), false, classLoader);
            } catch (ClassNotFoundException e) {
                return super.resolveClass(description);
            }
        }
    }
}
