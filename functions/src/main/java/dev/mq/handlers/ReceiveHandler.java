package dev.mq.handlers;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.mq.core.QueueService;
import dev.mq.deploy.DeployedFunction;
import dev.mq.model.Requests;
import dev.mq.model.Responses.ReceiveResponse;

/** {@code POST /v1/queues/{queue}/receive}, with long polling. */
public final class ReceiveHandler extends ApiHandler {
    public ReceiveHandler() {
        this(FunctionRuntime.service());
        primeBeforeSnapshot();
    }

    public ReceiveHandler(QueueService service) {
        super(DeployedFunction.RECEIVE, service);
    }

    @Override
    protected APIGatewayProxyResponseEvent handle(Routes.Match match, APIGatewayProxyRequestEvent request) {
        Requests.ReceiveRequest receive = Requests.parseReceive(request.getBody());
        return json(
                200,
                new ReceiveResponse(service.receive(match.name(), Wire.receive(receive)).stream()
                        .map(Wire::received)
                        .toList()));
    }
}
