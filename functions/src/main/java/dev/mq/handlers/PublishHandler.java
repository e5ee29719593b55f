package dev.mq.handlers;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.mq.core.QueueService;
import dev.mq.core.TopicService;
import dev.mq.deploy.DeployedFunction;
import dev.mq.model.Requests;
import dev.mq.model.Responses.SendResponse;

/** {@code POST /v1/queues/{queue}/messages} and {@code POST /v1/topics/{topic}/messages}: one message or up to 10. */
public final class PublishHandler extends ApiHandler {
    private final TopicService topics;

    public PublishHandler() {
        this(FunctionRuntime.service(), FunctionRuntime.topics());
        primeBeforeSnapshot();
    }

    public PublishHandler(QueueService service, TopicService topics) {
        super(DeployedFunction.PUBLISH, service);
        this.topics = topics;
    }

    @Override
    protected APIGatewayProxyResponseEvent handle(Routes.Match match, APIGatewayProxyRequestEvent request) {
        Requests.SendBatch batch = Requests.parseSend(request.getBody());
        String name = match.name();
        boolean publish = match.operation() == Routes.Operation.PUBLISH;
        return json(
                200,
                new SendResponse(Wire.send(
                        batch,
                        message -> publish ? topics.publish(name, message) : service.send(name, message),
                        messages ->
                                publish ? topics.publishBatch(name, messages) : service.sendBatch(name, messages))));
    }
}
