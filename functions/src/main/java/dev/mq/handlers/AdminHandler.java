package dev.mq.handlers;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.mq.core.Page;
import dev.mq.core.QueueService;
import dev.mq.model.Json;
import dev.mq.model.QueueAttributes;
import dev.mq.model.Requests;
import dev.mq.model.Responses.BrowseResponse;
import dev.mq.model.Responses.BrowsedMessage;
import dev.mq.model.Responses.Health;
import dev.mq.model.Responses.QueueList;
import dev.mq.model.Responses.QueueSummary;
import dev.mq.model.Responses.RedriveResponse;
import java.util.Map;

/** Queue management, browsing, redrive and health. */
public final class AdminHandler extends ApiHandler {
    public AdminHandler() {
        this(FunctionRuntime.service());
    }

    public AdminHandler(QueueService service) {
        super(Routes.Family.ADMIN, service);
    }

    @Override
    protected APIGatewayProxyResponseEvent handle(Routes.Match match, APIGatewayProxyRequestEvent request) {
        String queue = match.queue();
        Map<String, String> query = query(request);
        return switch (match.operation()) {
            case HEALTH -> {
                service.checkHealth();
                yield json(200, new Health("ok"));
            }
            case LIST_QUEUES -> {
                Page<QueueSummary> page = service.listQueues(query.get("prefix"),
                        Requests.queryInt(query, "limit", 1, 1000, 1000), query.get("next"));
                yield json(200, new QueueList(page.items(), page.next()));
            }
            case PUT_QUEUE -> {
                QueueAttributes attributes =
                        QueueAttributes.parse(Json.parseObject(request.getBody()), QueueAttributes.defaults());
                QueueService.Created created = service.createQueue(queue, attributes);
                yield json(created.created() ? 201 : 200, created.queue());
            }
            case GET_QUEUE -> json(200, service.getQueue(queue));
            case PATCH_QUEUE -> {
                var body = Json.parseObject(request.getBody());
                yield json(200, service.updateQueue(queue, current -> QueueAttributes.parse(body, current)));
            }
            case DELETE_QUEUE -> {
                service.deleteQueue(queue);
                yield noContent();
            }
            case PURGE -> {
                service.purge(queue);
                yield noContent();
            }
            case BROWSE -> {
                Page<BrowsedMessage> page = service.browse(queue,
                        Requests.queryInt(query, "limit", 1, 100, 100), query.get("next"));
                yield json(200, new BrowseResponse(page.items(), page.next()));
            }
            case REDRIVE -> {
                Requests.RedriveRequest redrive = Requests.parseRedrive(request.getBody());
                yield json(200, new RedriveResponse(service.redrive(queue, redrive.destination(), redrive.maxMessages())));
            }
            default -> throw new IllegalStateException("not an admin route: " + match.operation());
        };
    }
}
