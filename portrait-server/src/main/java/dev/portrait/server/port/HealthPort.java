package dev.portrait.server.port;

import java.util.List;

/**
 * Whether the runtime can take events and fold them: readiness, as distinct from liveness (the process
 * answers at all). A load balancer stops sending to an instance that is not ready; an orchestrator
 * restarts one that is not live.
 */
public interface HealthPort {
    /** Why the runtime is not ready, one sentence per reason; empty when it is ready. */
    List<String> notReady();

    /** Always ready; for front ends without a runtime of their own to report on. */
    HealthPort ALWAYS_READY = List::of;
}
