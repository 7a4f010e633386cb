package dev.minihttp.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The loop's spares: reused, bounded, and dropped by a trim once nobody needed them. */
class LoopPoolTest {

    @Test
    void givenObjectsAreTakenAgainMostRecentFirst() {
        LoopPool<Object> pool = new LoopPool<>(Object::new, 4);
        Object a = pool.take();
        Object b = pool.take();
        pool.give(a);
        pool.give(b);
        assertThat(pool.take()).isSameAs(b);
        assertThat(pool.take()).isSameAs(a);
        assertThat(pool.created()).isEqualTo(2);
    }

    @Test
    void keepsAtMostMaxSpares() {
        LoopPool<Object> pool = new LoopPool<>(Object::new, 2);
        List<Object> taken = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            taken.add(pool.take());
        }
        taken.forEach(pool::give);
        assertThat(pool.spares()).isEqualTo(2);
    }

    @Test
    void aTrimDropsTheSparesNobodyTookSinceTheLastTrim() {
        LoopPool<Object> pool = new LoopPool<>(Object::new, 16);
        List<Object> burst = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            burst.add(pool.take());
        }
        burst.forEach(pool::give);
        pool.trim(); // the burst needed all 8 during this interval: none dropped
        assertThat(pool.spares()).isEqualTo(8);

        // Then a trickle: one at a time, so 7 spares were never needed.
        for (int i = 0; i < 3; i++) {
            pool.give(pool.take());
        }
        pool.trim();
        assertThat(pool.spares()).isEqualTo(1);
        pool.trim(); // and the last one, not taken since
        assertThat(pool.spares()).isZero();
        assertThat(pool.created()).isEqualTo(8);
    }
}
