/** Spring Boot 4.1 auto-configuration for minihttp (issue 4). */
package dev.minihttp.boot;
