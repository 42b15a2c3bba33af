package org.jlibp2p.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class EventLoopTest {
    @Test
    void eventsRunByTimeThenInTheOrderTheyWereScheduled() {
        EventLoop loop = new EventLoop();
        List<String> ran = new ArrayList<>();
        loop.at(20, () -> ran.add("b@20"));
        loop.at(10, () -> ran.add("a@10"));
        loop.at(20, () -> ran.add("c@20"));
        loop.at(10, () -> loop.after(5, () -> ran.add("d@15 at " + loop.nanoTime())));
        loop.at(30, () -> ran.add("never")).cancel();
        assertEquals(5, loop.runUntil(100, 1000), "four tasks and the one that scheduled d");
        assertEquals(List.of("a@10", "d@15 at 15", "b@20", "c@20"), ran);
        assertEquals(100, loop.nanoTime(), "the clock stands at the end of the run");
    }

    @Test
    void runUntilStopsBeforeLaterEventsAndAtTheEventBound() {
        EventLoop loop = new EventLoop();
        int[] count = {0};
        for (int i = 0; i < 10; i++) {
            loop.at(i * 10L, () -> count[0]++);
        }
        loop.runUntil(45, 1000);
        assertEquals(5, count[0]);
        loop.runUntil(1000, 2);
        assertEquals(7, count[0]);
    }

    @Test
    void aMessageWaitsForTheSendersUploadQueueThenTravelsThenWaitsForTheReceiver() {
        // Three nodes in one region, 10 ms apart; 8 Mbit/s = 1 byte per microsecond both ways.
        Network net = new Network(3, Regions.uniform(10), List.of(new Network.BandwidthClass(1, 8, 8)), 0,
                new SplittableRandom(1));
        long first = net.send(0, 1, 1000, 0);
        // 1 ms to upload, 10 ms to travel; the download of 1 ms overlaps the transfer.
        assertEquals(11_000_000, first);
        assertEquals(11_000_000, net.receive(0, 1, 1000, first));
        long second = net.send(0, 2, 1000, 0);
        assertEquals(12_000_000, second, "queued behind the first upload");
        long third = net.send(2, 1, 1000, 0);
        assertEquals(11_000_000, third);
        assertEquals(12_000_000, net.receive(2, 1, 1000, third), "node 1 was reading the first message until 11 ms");
        assertEquals(2000, net.bytesSent(0));
        assertEquals(11_000_000, net.idealDelay(0, 1, 1000));
    }

    @Test
    void aSmallMessageArrivingFirstIsReadFirst() {
        EventLoop loop = new EventLoop();
        // Node 0 uploads slowly (1 byte/us), node 1 fast (1,000 bytes/us); node 2 downloads at 1 byte/us.
        Network net = new Network(3, Regions.uniform(10), List.of(new Network.BandwidthClass(1, 8, 8)), 0,
                new SplittableRandom(1));
        List<String> read = new ArrayList<>();
        net.transmit(loop, 0, 2, 100_000, () -> read.add("big at " + loop.nanoTime() / 1_000_000 + " ms"));
        net.transmit(loop, 1, 2, 100, () -> read.add("small at " + loop.nanoTime() / 100_000 / 10.0 + " ms"));
        loop.runUntil(1_000_000_000, 100);
        // The big one is still on its way when the small one arrives: it does not hold the small one back.
        assertEquals(List.of("small at 10.1 ms", "big at 110 ms"), read);
    }
}
