package dev.mq.sqs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mq.core.QueueService;
import dev.mq.model.Names;
import dev.mq.model.QueueException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The SQS-compatible endpoint, whatever carries it (a Lambda function, the local server): picks the wire
 * protocol a request speaks, has it read the call, runs the action, and has it render the answer or the
 * error. Every failure is answered in SQS's error shape: a client's mistake as its 4xx, a bug as a 500
 * that names only the request id.
 */
public final class SqsEndpoint {
    private static final Logger LOG = Logger.getLogger(SqsEndpoint.class.getName());

    /**
     * A protocol and how to tell a request speaks it, from its {@code X-Amz-Target} and {@code Content-Type}
     * headers (either may be null).
     */
    public record Registered(BiPredicate<String, String> speaks, SqsProtocol protocol) {}

    /** The protocols the endpoint speaks, tried in order; the first is also the one of last resort. */
    public static final List<Registered> PROTOCOLS = List.of(
            new Registered(JsonProtocol::speaks, new JsonProtocol()),
            // whatever does not speak JSON is read as a query request, whose own errors say what is missing
            new Registered((target, contentType) -> target == null, new QueryProtocol()));

    /**
     * One request as the endpoint needs it.
     *
     * @param target the {@code X-Amz-Target} header, or null
     * @param contentType the {@code Content-Type} header, or null
     * @param account with {@code queue}, the queue URL's path the request was sent to; both null for {@code POST /}
     */
    public record SqsRequest(
            String target,
            String contentType,
            String body,
            String account,
            String queue,
            QueueUrls urls,
            String requestId) {}

    private final Map<String, SqsAction> actions = new HashMap<>();
    private final List<Registered> protocols;

    public SqsEndpoint(QueueService service) {
        this(service, PROTOCOLS);
    }

    public SqsEndpoint(QueueService service, List<Registered> protocols) {
        this.protocols = List.copyOf(protocols);
        new QueueActions(service).register(actions);
        new SendActions(service).register(actions);
        new ReceiveActions(service).register(actions);
        new CatalogActions(service).register(actions);
    }

    public SqsAnswer handle(SqsRequest request) {
        SqsProtocol protocol = protocolOf(protocols, request.target(), request.contentType());
        try {
            SqsCall call = protocol.read(request.target(), request.body());
            SqsAction action = actions.get(call.action());
            if (action == null) {
                throw SqsErrors.fail(SqsErrors.invalidAction(
                        "The action " + Names.printable(call.action()) + " is not valid for this endpoint."));
            }
            ObjectNode input = call.input();
            if (request.queue() != null && !input.hasNonNull("QueueUrl")) {
                // the query protocol may name the queue by the URL it posts to instead of a parameter
                input.put("QueueUrl", request.urls().base() + "/" + request.account() + "/" + request.queue());
            }
            return protocol.answer(call.action(), action.run(input, request.urls()), request.requestId());
        } catch (SqsException e) {
            return protocol.error(e.error(), request.requestId());
        } catch (QueueException e) {
            SqsError error = SqsErrors.of(e);
            if (error.status() >= 500) {
                LOG.log(Level.WARNING, "request " + request.requestId() + " failed: " + e.getMessage(), e.getCause());
            }
            return protocol.error(error, request.requestId());
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "request " + request.requestId() + " failed with a bug", e);
            return protocol.error(SqsErrors.internalError(request.requestId()), request.requestId());
        }
    }

    /** Renders a refusal made before the endpoint runs (bad credentials, say) in the request's protocol. */
    public static SqsAnswer refuse(String target, String contentType, SqsError error, String requestId) {
        return protocolOf(PROTOCOLS, target, contentType).error(error, requestId);
    }

    private static SqsProtocol protocolOf(List<Registered> protocols, String target, String contentType) {
        for (Registered registered : protocols) {
            if (registered.speaks().test(target, contentType)) {
                return registered.protocol();
            }
        }
        return protocols.get(0).protocol();
    }
}
