package dev.mq.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The checker itself, on histories written by hand: each violation it exists for is caught. */
class HistoryCheckTest {
    @Test
    void aCleanHistory_passes_andCountsDuplicates() {
        History h = new History();
        h.attempt("p0-0");
        h.sent("p0-0");
        h.delivered("p0-0", System.nanoTime());
        h.crashedOn("p0-0");
        h.delivered("p0-0", System.nanoTime());
        h.acked("p0-0", null);
        History.Verdict v = h.check();
        assertThat(v.ok()).isTrue();
        assertThat(v.duplicated()).isEqualTo(1);
    }

    @Test
    void aSendAnsweredOk_neverAcked_isLost() {
        History h = new History();
        h.attempt("p0-0");
        h.sent("p0-0");
        assertThat(h.check().lost()).isEqualTo(1);
        assertThat(h.check().ok()).isFalse();
    }

    @Test
    void aDeliveryNobodySent_isInvented() {
        History h = new History();
        h.delivered("p9-9", System.nanoTime());
        assertThat(h.check().invented()).isEqualTo(1);
    }

    @Test
    void aDeliveryStartedAfterTheAckWasAnswered_isCaught() throws Exception {
        History h = new History();
        h.attempt("p0-0");
        h.sent("p0-0");
        h.delivered("p0-0", System.nanoTime());
        h.acked("p0-0", null);
        Thread.sleep(1);
        h.delivered("p0-0", System.nanoTime());
        assertThat(h.check().deliveredAfterAck()).isEqualTo(1);
    }

    @Test
    void acksOutOfSendOrderWithinAGroup_areCaught() {
        History h = new History();
        for (String body : new String[] {"p0-0", "p0-1"}) {
            h.attempt(body);
            h.sent(body);
            h.delivered(body, System.nanoTime());
        }
        h.acked("p0-1", "p0");
        h.acked("p0-0", "p0");
        assertThat(h.check().fifoOrderViolations()).isEqualTo(1);
    }
}
