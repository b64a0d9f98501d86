package dev.wanagent.pcp;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EpochTest {
    private static Epoch.Observation at(long clientSeconds, long epoch) {
        return new Epoch.Observation(clientSeconds * 1000, epoch);
    }

    @Test
    void firstAnswerIsNoReset() {
        assertFalse(Epoch.lostState(null, at(0, 5)));
    }

    @Test
    void steadyEpochIsNoReset() {
        assertFalse(Epoch.lostState(at(100, 1000), at(160, 1060)));
        assertFalse(Epoch.lostState(at(100, 1000), at(100, 1000)));
        assertFalse(Epoch.lostState(at(100, 1000), at(3700, 3600 + 1000 - 100))); // clocks drift a little
    }

    @Test
    void backwardsByMoreThanOneSecondIsAReset() {
        assertFalse(Epoch.lostState(at(100, 1000), at(100, 999))); // reordering / rounding: 1 s allowed
        assertTrue(Epoch.lostState(at(100, 1000), at(100, 998)));
        assertTrue(Epoch.lostState(at(100, 1000), at(105, 3))); // the router restarted
    }

    @Test
    void fellBehindIsAReset() {
        // 600 s passed here, the router's epoch advanced 30 s: it restarted 30 s ago
        assertTrue(Epoch.lostState(at(0, 5000), at(600, 5030)));
        // within the RFC's tolerance (S + 2 < C - C/16): 600 s here, 561 there is fine
        assertFalse(Epoch.lostState(at(0, 5000), at(600, 5561)));
        assertTrue(Epoch.lostState(at(0, 5000), at(600, 5560)));
    }

    @Test
    void jumpedAheadIsAReset() {
        assertTrue(Epoch.lostState(at(0, 5000), at(10, 9000)));
        assertFalse(Epoch.lostState(at(0, 5000), at(10, 5012)));
    }

    @Test
    void clientClockBackwardsJudgesNothing() {
        assertFalse(Epoch.lostState(at(100, 5000), at(50, 5010)));
    }

    @Test
    void thirtyTwoBitEpochs() {
        assertFalse(Epoch.lostState(at(0, 0xfffffff0L), at(10, 0xfffffffaL)));
    }
}
