package dev.mq.handlers;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.mq.core.QueueService;
import dev.mq.model.Requests;
import dev.mq.model.Responses.SendResponse;

/** {@code POST /v1/queues/{queue}/messages}: one message or a batch of up to 10. */
public final class PublishHandler extends ApiHandler {
    public PublishHandler() {
        this(FunctionRuntime.service());
    }

    public PublishHandler(QueueService service) {
        super(Routes.Family.PUBLISH, service);
    }

    @Override
    protected APIGatewayProxyResponseEvent handle(Routes.Match match, APIGatewayProxyRequestEvent request) {
        Requests.SendBatch batch = Requests.parseSend(request.getBody());
        return json(200, new SendResponse(service.send(match.queue(), batch)));
    }
}
