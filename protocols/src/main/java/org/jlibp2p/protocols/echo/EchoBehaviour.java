package org.jlibp2p.protocols.echo;

import java.io.IOException;
import org.jlibp2p.core.swarm.Behaviour;
import org.jlibp2p.core.swarm.BehaviourContext;
import org.jlibp2p.core.swarm.ConnectionHandler;
import org.jlibp2p.core.swarm.HandlerContext;
import org.jlibp2p.core.swarm.Stream;

/** The echo protocol ({@value #PROTOCOL_ID}): sends back everything it reads, then half-closes. */
public final class EchoBehaviour implements Behaviour {
    public static final String PROTOCOL_ID = "/echo/1.0.0";

    @Override
    public void start(BehaviourContext context) {
        context.serve(PROTOCOL_ID);
    }

    @Override
    public ConnectionHandler newHandler(HandlerContext context) {
        return EchoBehaviour::serve;
    }

    /** Echoes {@code stream} until its input ends. */
    public static void serve(Stream stream) throws IOException {
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = stream.input().read(buf)) > 0) {
            stream.output().write(buf, 0, n);
            stream.output().flush();
        }
        stream.closeOutput();
    }
}
