package skiff.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventLoopTest {
    private final long[] now = {1000};
    private final List<String> warnings = new ArrayList<>();

    private EventLoop loop() throws IOException {
        return new EventLoop(() -> now[0], warnings::add);
    }

    @Test
    void timersFireInDeadlineOrderWhenTheClockReachesThem() throws Exception {
        EventLoop loop = loop();
        List<String> fired = new ArrayList<>();
        loop.schedule(300, () -> fired.add("c"));
        loop.schedule(100, () -> fired.add("a"));
        loop.schedule(100, () -> fired.add("b"));
        Timer cancelled = loop.schedule(50, () -> fired.add("x"));
        cancelled.cancel();
        loop.runOnce(0);
        assertTrue(fired.isEmpty());
        now[0] += 100;
        loop.runOnce(0);
        assertEquals(List.of("a", "b"), fired);
        now[0] += 200;
        loop.runOnce(0);
        assertEquals(List.of("a", "b", "c"), fired);
        assertEquals(0, loop.pendingTimers());
        loop.closeAll();
    }

    @Test
    void tasksPostedFromOtherThreadsRunOnTheLoop() throws Exception {
        EventLoop loop = loop();
        Thread[] ranOn = new Thread[1];
        Thread poster = new Thread(() -> loop.execute(() -> ranOn[0] = Thread.currentThread()));
        poster.start();
        poster.join();
        loop.runOnce(0);
        assertEquals(Thread.currentThread(), ranOn[0]);
        loop.closeAll();
    }

    @Test
    void aFailingHandlerClosesOnlyItsOwnChannel() throws Exception {
        EventLoop loop = loop();
        Pipe bad = Pipe.open();
        Pipe good = Pipe.open();
        Throwable[] badCause = new Throwable[1];
        int[] goodReads = {0};
        SelectionKey badKey = loop.register(bad.source(), SelectionKey.OP_READ, new Handler() {
            @Override
            public void ready(SelectionKey key) throws IOException {
                throw new IOException("boom");
            }

            @Override
            public void closed(Throwable cause) {
                badCause[0] = cause;
            }
        });
        loop.register(good.source(), SelectionKey.OP_READ, new Handler() {
            @Override
            public void ready(SelectionKey key) throws IOException {
                ((Pipe.SourceChannel) key.channel()).read(ByteBuffer.allocate(16));
                goodReads[0]++;
            }

            @Override
            public void closed(Throwable cause) {
            }
        });
        bad.sink().write(ByteBuffer.wrap(new byte[] {1}));
        good.sink().write(ByteBuffer.wrap(new byte[] {1}));
        for (int i = 0; i < 5 && (badCause[0] == null || goodReads[0] == 0); i++) {
            loop.runOnce(100);
        }
        assertEquals("boom", badCause[0].getMessage());
        assertFalse(badKey.isValid());
        assertEquals(1, goodReads[0]);
        good.sink().write(ByteBuffer.wrap(new byte[] {2}));
        loop.runOnce(100);
        assertEquals(2, goodReads[0]);
        loop.closeAll();
    }

    /** A connection closed before it registered (a DNS answer still awaited) or after: either way its socket goes. */
    @Test
    void aChannelClosesWhetherOrNotItWasRegistered() throws Exception {
        EventLoop loop = loop();
        Pipe unregistered = Pipe.open();
        loop.closeChannel(null, unregistered.source());
        assertFalse(unregistered.source().isOpen(), "no key: closed at once");
        Pipe registered = Pipe.open();
        Throwable[] heard = {new Throwable("nothing heard")};
        SelectionKey key = loop.register(registered.source(), SelectionKey.OP_READ, new Handler() {
            @Override
            public void ready(SelectionKey k) {
            }

            @Override
            public void closed(Throwable cause) {
                heard[0] = cause;
            }
        });
        loop.closeChannel(key, registered.source());
        assertTrue(registered.source().isOpen(), "a key: closed after the turn's dispatch");
        loop.runOnce(0);
        assertFalse(registered.source().isOpen());
        assertNull(heard[0], "a clean close");
        loop.closeChannel(null, null); // nothing to close: nothing happens
        loop.closeAll();
    }

    @Test
    void aThrowingTimerDoesNotStopTheLoop() throws Exception {
        EventLoop loop = loop();
        boolean[] second = {false};
        loop.schedule(0, () -> {
            throw new IllegalStateException("bug");
        });
        loop.schedule(0, () -> second[0] = true);
        loop.runOnce(0);
        assertTrue(second[0]);
        assertEquals(1, warnings.size());
        loop.closeAll();
    }

    @Test
    void stopRunsShutdownWorkWithinTheGracePeriod() throws Exception {
        EventLoop loop = new EventLoop(Clock.system(), warnings::add);
        List<String> order = new ArrayList<>();
        loop.onShutdown(done -> loop.schedule(50, () -> {
            order.add("finished");
            done.run();
        }));
        loop.onShutdown(done -> order.add("never calls done"));
        CountDownLatch stopped = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            loop.run();
            stopped.countDown();
        });
        t.start();
        long start = System.nanoTime();
        loop.stop(500);
        assertTrue(stopped.await(5, TimeUnit.SECONDS));
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(List.of("never calls done", "finished"), order);
        assertTrue(tookMillis >= 400 && tookMillis < 3000, "took " + tookMillis);
    }

    @Test
    void closedHandlersHearANullCauseOnACleanStop() throws Exception {
        EventLoop loop = loop();
        Pipe p = Pipe.open();
        Throwable[] cause = {new Throwable("not called")};
        loop.register(p.source(), SelectionKey.OP_READ, new Handler() {
            @Override
            public void ready(SelectionKey key) {
            }

            @Override
            public void closed(Throwable c) {
                cause[0] = c;
            }
        });
        loop.closeAll();
        assertNull(cause[0]);
        assertFalse(p.source().isOpen());
    }
}
