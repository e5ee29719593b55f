package dev.mq.handlers;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.mq.core.BrowsedMessage;
import dev.mq.core.Consumer;
import dev.mq.core.Consumers;
import dev.mq.core.Created;
import dev.mq.core.Page;
import dev.mq.core.QueueDescription;
import dev.mq.core.QueueService;
import dev.mq.core.QueueSummary;
import dev.mq.core.Subscription;
import dev.mq.core.TopicDescription;
import dev.mq.core.TopicService;
import dev.mq.deploy.DeployedFunction;
import dev.mq.model.Fields;
import dev.mq.model.Json;
import dev.mq.model.Names;
import dev.mq.model.QueueAttributes;
import dev.mq.model.Requests;
import dev.mq.model.Responses;
import dev.mq.model.Responses.BrowseResponse;
import dev.mq.model.Responses.ConsumerList;
import dev.mq.model.Responses.Health;
import dev.mq.model.Responses.QueueList;
import dev.mq.model.Responses.RedriveResponse;
import dev.mq.model.Responses.SubscriptionList;
import dev.mq.model.Responses.TopicList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Queue, consumer, topic and subscription management, browsing, redrive and health. */
public final class AdminHandler extends ApiHandler {
    private final TopicService topics;
    private final Consumers consumers;

    public AdminHandler() {
        this(FunctionRuntime.service(), FunctionRuntime.topics(), FunctionRuntime.consumers());
        primeBeforeSnapshot();
    }

    public AdminHandler(QueueService service, TopicService topics, Consumers consumers) {
        super(DeployedFunction.ADMIN, service);
        this.topics = topics;
        this.consumers = consumers;
    }

    @Override
    protected APIGatewayProxyResponseEvent handle(Routes.Match match, APIGatewayProxyRequestEvent request) {
        String queue = match.name();
        Map<String, String> query = query(request);
        return switch (match.operation()) {
            case HEALTH -> {
                service.checkHealth();
                yield json(200, new Health("ok"));
            }
            case LIST_QUEUES -> {
                Page<QueueSummary> page = service.listQueues(
                        query.get("prefix"), Requests.queryInt(query, "limit", 1, 1000, 1000), query.get("next"));
                // mq's internal queues are not the user's to see (see Routes): a page may come out shorter
                List<Responses.QueueSummary> userQueues = page.items().stream()
                        .filter(q -> !Names.isInternal(q.name()))
                        .map(Wire::summary)
                        .toList();
                yield json(200, new QueueList(userQueues, page.next()));
            }
            case PUT_QUEUE -> {
                Requests.CreateQueueRequest create = Requests.parseCreateQueue(request.getBody());
                Created<QueueDescription> created = service.createQueue(queue, create.attributes(), create.tags());
                yield json(created.created() ? 201 : 200, Wire.queue(created.value()));
            }
            case GET_QUEUE -> json(200, Wire.queue(service.getQueue(queue)));
            case PATCH_QUEUE -> {
                var body = Json.parseObject(request.getBody());
                yield json(
                        200, Wire.queue(service.updateQueue(queue, current -> QueueAttributes.parse(body, current))));
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
                Page<BrowsedMessage> page =
                        service.browse(queue, Requests.queryInt(query, "limit", 1, 100, 100), query.get("next"));
                yield json(
                        200,
                        new BrowseResponse(
                                page.items().stream().map(Wire::browsed).toList(), page.next()));
            }
            case REDRIVE -> {
                Requests.RedriveRequest redrive = Requests.parseRedrive(request.getBody());
                yield json(
                        200, new RedriveResponse(service.redrive(queue, redrive.destination(), redrive.maxMessages())));
            }
            case LIST_CONSUMERS -> {
                Page<Consumer> page =
                        consumers.list(queue, Requests.queryInt(query, "limit", 1, 1000, 1000), query.get("next"));
                yield json(
                        200,
                        new ConsumerList(
                                page.items().stream().map(Wire::consumer).toList(), page.next()));
            }
            case PUT_CONSUMER -> {
                Created<Consumer> created = consumers.put(queue, match.child(), Wire.consumerSpec(request.getBody()));
                yield json(created.created() ? 201 : 200, Wire.consumer(created.value()));
            }
            case GET_CONSUMER -> json(200, Wire.consumer(consumers.get(queue, match.child())));
            case DELETE_CONSUMER -> {
                consumers.delete(queue, match.child());
                yield noContent();
            }
            case LIST_TOPICS -> {
                Page<TopicDescription> page =
                        topics.listTopics(Requests.queryInt(query, "limit", 1, 1000, 1000), query.get("next"));
                yield json(
                        200,
                        new TopicList(
                                page.items().stream().map(Wire::topicSummary).toList(), page.next()));
            }
            case PUT_TOPIC -> {
                // topics have no attributes yet: a body may be empty or {}, and any field is a mistake
                Fields.onlyKnown(Json.parseObject(request.getBody()), Set.of());
                Created<TopicDescription> created = topics.createTopic(match.name());
                yield json(created.created() ? 201 : 200, Wire.topic(created.value()));
            }
            case GET_TOPIC -> json(200, Wire.topic(topics.getTopic(match.name())));
            case DELETE_TOPIC -> {
                topics.deleteTopic(match.name());
                yield noContent();
            }
            case LIST_SUBSCRIPTIONS -> {
                Page<Subscription> page = topics.listSubscriptions(
                        match.name(), Requests.queryInt(query, "limit", 1, 1000, 1000), query.get("next"));
                yield json(
                        200,
                        new SubscriptionList(
                                page.items().stream().map(Wire::subscription).toList(), page.next()));
            }
            case PUT_SUBSCRIPTION -> {
                Created<Subscription> created =
                        topics.subscribe(match.name(), match.child(), Wire.subscriptionSpec(request.getBody()));
                yield json(created.created() ? 201 : 200, Wire.subscription(created.value()));
            }
            case GET_SUBSCRIPTION -> json(200, Wire.subscription(topics.getSubscription(match.name(), match.child())));
            case DELETE_SUBSCRIPTION -> {
                topics.unsubscribe(match.name(), match.child());
                yield noContent();
            }
            default -> throw new IllegalStateException("not an admin route: " + match.operation());
        };
    }
}
