package org.jlibp2p.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Tasks numbered 0 to count-1 run by a few virtual threads, as the setup and idle-memory cases dial. */
final class Workers {
    private Workers() {}

    /** One numbered task. */
    interface Task {
        void run(int index) throws Exception;
    }

    /**
     * Runs {@code task} for every index below {@code count} on {@code concurrency} virtual threads and waits for
     * them. A worker stops at its first failure; if any failed, throws an exception naming how many {@code what}
     * failed, with the failures attached.
     */
    static void run(int count, int concurrency, String what, Task task) throws Exception {
        AtomicInteger next = new AtomicInteger();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            workers.add(Thread.ofVirtual().name("bench-worker-" + w).start(() -> {
                int i;
                while ((i = next.getAndIncrement()) < count) {
                    try {
                        task.run(i);
                    } catch (Exception e) {
                        failures.add(e);
                        return;
                    }
                }
            }));
        }
        for (Thread t : workers) {
            t.join();
        }
        if (!failures.isEmpty()) {
            Exception e = new Exception(failures.size() + " " + what + " failed");
            failures.forEach(e::addSuppressed);
            throw e;
        }
    }
}
