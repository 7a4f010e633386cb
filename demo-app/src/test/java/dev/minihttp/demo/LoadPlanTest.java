package dev.minihttp.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A click on "Generate load" (or a hand-written URL) cannot ask for more than the bounds. */
class LoadPlanTest {

    @Test
    void everyFieldIsClamped() {
        assertThat(new LoadGenerator.Plan(0, 100_000, -1, 500).clamped())
                .isEqualTo(new LoadGenerator.Plan(1, 64, 0, 100));
        assertThat(new LoadGenerator.Plan(10_000, 0, 1_000_000, -3).clamped())
                .isEqualTo(new LoadGenerator.Plan(120, 1, 30_000, 0));
        assertThat(new LoadGenerator.Plan(30, 32, 500, 5).clamped())
                .isEqualTo(new LoadGenerator.Plan(30, 32, 500, 5));
    }
}
