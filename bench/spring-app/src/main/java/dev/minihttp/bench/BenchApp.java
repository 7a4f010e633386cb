package dev.minihttp.bench;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The app bench/spring-servers.sh runs on minihttp, Tomcat and Jetty; the server comes from the build profile. */
@SpringBootApplication
public class BenchApp {

    public static void main(String[] args) {
        SpringApplication.run(BenchApp.class, args);
    }
}
