package dev.mq.handlers;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.mq.core.QueueService;
import dev.mq.deploy.DeployedFunction;
import dev.mq.model.Requests;
import dev.mq.model.Responses.AckResponse;

/** Ends or changes leases: batch ack, single DELETE, visibility change. */
public final class AckHandler extends ApiHandler {
    public AckHandler() {
        this(FunctionRuntime.service());
        primeBeforeSnapshot();
    }

    public AckHandler(QueueService service) {
        super(DeployedFunction.ACK, service);
    }

    @Override
    protected APIGatewayProxyResponseEvent handle(Routes.Match match, APIGatewayProxyRequestEvent request) {
        return switch (match.operation()) {
            case ACK ->
                json(
                        200,
                        new AckResponse(service.ackAll(match.name(), Requests.parseAck(request.getBody())).stream()
                                .map(Wire::ack)
                                .toList()));
            case ACK_ONE -> {
                service.ack(match.name(), match.child());
                yield noContent();
            }
            case VISIBILITY -> {
                Requests.VisibilityRequest change = Requests.parseVisibility(request.getBody());
                service.changeVisibility(match.name(), change.receiptHandle(), change.visibilityTimeoutSeconds());
                yield noContent();
            }
            default -> throw new IllegalStateException("not an ack route: " + match.operation());
        };
    }
}
