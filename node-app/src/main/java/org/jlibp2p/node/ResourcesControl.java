package org.jlibp2p.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jlibp2p.core.resource.ResourceLimits;
import org.jlibp2p.core.resource.ResourceManager;
import org.jlibp2p.core.resource.ScopeLimit;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.node.control.ControlResponse;

/** RESOURCES: the node's resource manager, as the control protocol shows it. */
final class ResourcesControl {
    private final Swarm swarm;

    ResourcesControl(Swarm swarm) {
        this.swarm = swarm;
    }

    ControlResponse usage() {
        ResourceManager.Usage u = swarm.resources().usage();
        ResourceLimits limits = swarm.resources().limits();
        List<ControlResponse.ScopeUsage> scopes = new ArrayList<>();
        scopes.add(line("system", u.system(), Optional.of(limits.system())));
        scopes.add(line("transient", u.pending(), Optional.of(limits.pending())));
        add(scopes, "peer:", u.peers());
        add(scopes, "protocol:", u.protocols());
        add(scopes, "service:", u.services());
        return new ControlResponse.Resources(scopes, u.refusals());
    }

    private static void add(List<ControlResponse.ScopeUsage> out, String prefix,
            Map<String, ResourceManager.ScopeUsage> scopes) {
        scopes.forEach((name, usage) -> out.add(line(prefix + name, usage, Optional.empty())));
    }

    private static ControlResponse.ScopeUsage line(String scope, ResourceManager.ScopeUsage u,
            Optional<ScopeLimit> limit) {
        return new ControlResponse.ScopeUsage(scope, u.connectionsInbound(), u.connectionsOutbound(),
                u.streamsInbound(), u.streamsOutbound(), u.memory(), u.fileDescriptors(), limit.map(l ->
                        new ControlResponse.ScopeUsage(scope, l.connectionsInbound(), l.connectionsOutbound(),
                                l.streamsInbound(), l.streamsOutbound(), l.memory(), l.fileDescriptors(),
                                Optional.empty())));
    }
}
