package dev.minihttp.server;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Starts virtual threads on JDK 21+ while the code compiles for Java 17: the builder API is looked
 * up once by reflection, and {@link #isSupported()} says whether it was found.
 */
final class VirtualThreads {

    private static final MethodHandle OF_VIRTUAL;
    private static final MethodHandle NAME;
    private static final MethodHandle UNSTARTED;

    static {
        MethodHandle ofVirtual = null;
        MethodHandle name = null;
        MethodHandle unstarted = null;
        try {
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            Class<?> builderClass = Class.forName("java.lang.Thread$Builder");
            Class<?> virtualBuilderClass = Class.forName("java.lang.Thread$Builder$OfVirtual");
            ofVirtual = lookup.findStatic(Thread.class, "ofVirtual", MethodType.methodType(virtualBuilderClass));
            name = lookup.findVirtual(builderClass, "name", MethodType.methodType(builderClass, String.class));
            unstarted = lookup.findVirtual(builderClass, "unstarted", MethodType.methodType(Thread.class, Runnable.class));
        } catch (ReflectiveOperationException | RuntimeException notOnThisJdk) {
            ofVirtual = null;
        }
        OF_VIRTUAL = ofVirtual;
        NAME = name;
        UNSTARTED = unstarted;
    }

    private VirtualThreads() {
    }

    static boolean isSupported() {
        return OF_VIRTUAL != null;
    }

    /** An unstarted virtual thread. @throws UnsupportedOperationException before JDK 21 */
    static Thread newThread(String name, Runnable task) {
        if (!isSupported()) {
            throw new UnsupportedOperationException("virtual threads need JDK 21 or later");
        }
        try {
            Object builder = OF_VIRTUAL.invoke();
            builder = NAME.invoke(builder, name);
            return (Thread) UNSTARTED.invoke(builder, task);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("could not create a virtual thread", e);
        }
    }
}
