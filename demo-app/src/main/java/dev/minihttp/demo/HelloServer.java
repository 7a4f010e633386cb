package dev.minihttp.demo;

/** Placeholder until the engine lands. */
public final class HelloServer {
    public static void main(String[] args) {
    }
}
