package dev.mq.handlers;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * SnapStart priming. Lambda takes the snapshot after a function's init; a hook registered here runs one
 * real request through the function just before, so the restored function already has its classes
 * loaded, its JSON mappers and SDK client warmed and a connection to DynamoDB made. Priming requests
 * change nothing (a health read, or a request the handler refuses), and a failed priming only leaves
 * the function as it would be without it.
 */
public final class Priming implements Resource {
    private static final Logger LOG = Logger.getLogger(Priming.class.getName());
    /** CRaC holds registered resources weakly: these strong references keep them until the checkpoint. */
    private static final List<Priming> REGISTERED = new CopyOnWriteArrayList<>();

    private final Runnable request;

    private Priming(Runnable request) {
        this.request = request;
    }

    /** Registers {@code request} to run before the snapshot. */
    public static void register(Runnable request) {
        Priming priming = new Priming(request);
        REGISTERED.add(priming);
        Core.getGlobalContext().register(priming);
    }

    /** Runs every registered priming request now, as the checkpoint would (for measurements). */
    public static void primeAll() {
        REGISTERED.forEach(Priming::prime);
    }

    /** {@code GET /health} as API Gateway sends it. */
    static APIGatewayProxyRequestEvent healthRequest() {
        return new APIGatewayProxyRequestEvent()
                .withHttpMethod("GET")
                .withPath("/health")
                .withHeaders(Map.of("Accept", "application/json"))
                .withRequestContext(new APIGatewayProxyRequestEvent.ProxyRequestContext().withRequestId("priming"));
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // nothing to renew: receipt keys and lease tokens are per request (see MessageIds)
    }

    private void prime() {
        try {
            request.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "priming failed; the function starts unprimed", e);
        }
    }
}
