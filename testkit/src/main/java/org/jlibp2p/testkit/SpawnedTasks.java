package org.jlibp2p.testkit;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;
import org.jlibp2p.core.util.IoRunnable;

/** Tasks a fake context was asked to spawn, kept until the test runs them on its own thread. Thread-safe. */
final class SpawnedTasks {
    private record Task(String name, IoRunnable body) {}

    private final ArrayDeque<Task> tasks = new ArrayDeque<>();

    synchronized void add(String name, IoRunnable body) {
        tasks.add(new Task(name, body));
    }

    synchronized List<String> names() {
        return tasks.stream().map(Task::name).toList();
    }

    /** Runs the tasks (and those they add) in order; returns how many ran. What a task throws is rethrown. */
    int runAll() throws IOException {
        int ran = 0;
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.poll();
            }
            if (next == null) {
                return ran;
            }
            next.body().run();
            ran++;
        }
    }
}
