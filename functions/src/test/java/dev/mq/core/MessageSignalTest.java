package dev.mq.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MessageSignalTest {
    private final MessageSignal signal = new MessageSignal();

    @Test
    void oneMessage_wakesOneWaitingPoll_andTheOthersWaitOn() throws Exception {
        // given three polls waiting on the same queue
        AtomicInteger woken = new AtomicInteger();
        CountDownLatch allDone = new CountDownLatch(3);
        List<Thread> polls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long seen = signal.version("q");
            Thread poll = new Thread(() -> {
                signal.await("q", seen, 20_000);
                woken.incrementAndGet();
                allDone.countDown();
            });
            poll.start();
            polls.add(poll);
        }
        awaitWaiting(polls);

        // when one message arrives
        signal.wake("q", 1);

        // then exactly one poll wakes
        Thread.sleep(300);
        assertThat(woken.get()).isEqualTo(1);

        // and a batch as large as the waiting polls wakes the rest
        signal.wake("q", 10);
        assertThat(allDone.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(woken.get()).isEqualTo(3);
    }

    @Test
    void aPoll_thatSawNoArrivalYet_returnsAtOnce_whenOneCameMeanwhile() {
        long seen = signal.version("q");
        signal.wake("q", 1);

        long started = System.nanoTime();
        signal.await("q", seen, 20_000);

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(5_000);
    }

    private static void awaitWaiting(List<Thread> threads) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (threads.stream().anyMatch(t -> t.getState() != Thread.State.TIMED_WAITING)) {
            assertThat(System.nanoTime()).as("the polls started waiting").isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
