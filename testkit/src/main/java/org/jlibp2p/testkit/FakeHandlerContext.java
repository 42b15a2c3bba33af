package org.jlibp2p.testkit;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.HandlerContext;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.core.time.Cancellable;
import org.jlibp2p.core.time.ManualScheduler;
import org.jlibp2p.core.time.Scheduler;
import org.jlibp2p.core.util.IoRunnable;

/**
 * A handler's context in a unit test: tasks the handler spawns are kept until the test runs them
 * ({@link #runSpawned()}), timers run on the test's {@link ManualScheduler} (and then queue their task likewise),
 * reports to the behaviour run at once on the calling thread, and outbound streams come from a source the test
 * gives ({@link #streams}).
 */
public final class FakeHandlerContext implements HandlerContext {
    private final Connection connection;
    private final ManualScheduler scheduler;
    private final SpawnedTasks spawned = new SpawnedTasks();
    private Function<List<String>, Stream> streams = p -> null;
    private volatile boolean keepAlive;

    public FakeHandlerContext(Connection connection, ManualScheduler scheduler) {
        this.connection = connection;
        this.scheduler = scheduler;
    }

    /** Where {@link #openStream} gets its streams (e.g. one end of {@link PipeStreams}); null refuses. */
    public FakeHandlerContext streams(Function<List<String>, Stream> source) {
        this.streams = source;
        return this;
    }

    @Override
    public Connection connection() {
        return connection;
    }

    @Override
    public Scheduler scheduler() {
        return scheduler;
    }

    @Override
    public Stream openStream(List<String> protocols) throws IOException {
        Stream s = streams.apply(protocols);
        if (s == null) {
            throw new org.jlibp2p.core.multistream.NoCommonProtocolException(protocols);
        }
        return s;
    }

    @Override
    public void spawn(String name, IoRunnable task) {
        spawned.add(name, task);
    }

    @Override
    public Cancellable schedule(Duration delay, IoRunnable task) {
        return scheduler.schedule(delay, () -> spawn("timer", task));
    }

    @Override
    public void toBehaviour(Runnable task) {
        task.run();
    }

    @Override
    public void keepAlive(boolean keep) {
        keepAlive = keep;
    }

    public boolean keepAlive() {
        return keepAlive;
    }

    /** Names of the tasks spawned and not run yet. */
    public List<String> pendingTasks() {
        return spawned.names();
    }

    /**
     * Runs the spawned tasks (and those they spawn) on the calling thread, in order; returns how many ran. What a
     * task throws is rethrown.
     */
    public int runSpawned() throws IOException {
        return spawned.runAll();
    }
}
