package dev.mq.cdk;

import dev.mq.handlers.Routes;
import dev.mq.handlers.Routes.Operation;
import dev.mq.model.Names;
import dev.mq.model.QueueException;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.apigateway.RestApi;
import software.amazon.awscdk.services.iam.Grant;
import software.amazon.awscdk.services.iam.GrantOnPrincipalOptions;
import software.amazon.awscdk.services.iam.IGrantable;

/**
 * Grants a principal exactly one queue's operations through the API ({@code execute-api:Invoke}), one
 * resource ARN per route of the route table ({@link Routes#ALL}) that the access level allows, with the
 * route's own method and the queue's name in its path.
 *
 * <p>Why not a wildcard: in an IAM resource ARN {@code *} matches any characters, {@code /} included, so
 * {@code .../v1/queues/orders*} also allows {@code orders-dlq} and {@code orders2}, and a method
 * {@code *} also matches a method followed by any path. Here the only wildcard stands for a receipt
 * handle, and only after {@code .../v1/queues/orders/messages/}, which no other queue's path starts
 * with.
 *
 * <p>No level includes the SQS-compatible endpoint ({@code POST /} and {@code POST /{account}/{queue}}):
 * an SQS JSON-protocol request names its queue in the body and always goes to {@code POST /}, so a
 * resource ARN cannot tell one queue's SQS requests from another's, nor a send from a purge. A principal
 * that uses the SQS endpoint needs {@code execute-api:Invoke} on the whole API (every queue, every
 * action): only that full access includes it.
 */
public final class QueueAccess {
    /** The action API Gateway checks for a signed request. */
    public static final String INVOKE = "execute-api:Invoke";

    /** What a principal may do with its queue. */
    public enum Level {
        /** Send messages. */
        SEND_ONLY(EnumSet.of(Operation.SEND)),
        /** Receive, acknowledge (one or a batch), and change visibility. */
        CONSUME_ONLY(EnumSet.of(Operation.RECEIVE, Operation.ACK, Operation.ACK_ONE, Operation.VISIBILITY)),
        /**
         * Every route on the queue's own paths: create, read, change and delete it, send, browse, consume,
         * purge, redrive, and manage its push consumers. Not listing queues, nor anything on another queue,
         * nor the SQS-compatible endpoint (which cannot be scoped to a queue).
         */
        ADMIN(queueOperations());

        private final Set<Operation> operations;

        Level(Set<Operation> operations) {
            this.operations = Collections.unmodifiableSet(operations);
        }

        public Set<Operation> operations() {
            return operations;
        }
    }

    private static final String QUEUE_PATH = "/v1/queues/{queue}";

    private QueueAccess() {}

    /** Grants {@code grantee} {@code level} on {@code queue}, at the deployment stage of {@code api}. */
    public static Grant grant(IGrantable grantee, RestApi api, String queue, Level level) {
        String stage = api.getDeploymentStage().getStageName();
        return grant(grantee, queue, level, (method, path) -> api.arnForExecuteApi(method, path, stage));
    }

    /**
     * Grants {@code grantee} {@code level} on {@code queue} of the API {@code apiId} (its id, e.g. the
     * mq stack's {@code ApiId} output) at {@code stage}, in the account and region of {@code stack}.
     */
    public static Grant grant(IGrantable grantee, Stack stack, String apiId, String stage, String queue, Level level) {
        return grant(
                grantee,
                queue,
                level,
                (method, path) -> stack.formatArn(ArnComponents.builder()
                        .service("execute-api")
                        .resource(apiId)
                        .resourceName(stage + "/" + method + path)
                        .arnFormat(ArnFormat.SLASH_RESOURCE_NAME)
                        .build()));
    }

    /**
     * The method and path, in the form an execute-api ARN ends with ({@code POST/v1/queues/orders/receive}),
     * of every request {@code level} allows on {@code queue}.
     */
    public static List<String> methodPaths(String queue, Level level) {
        return requests(queue, level, (method, path) -> method + path);
    }

    private static Grant grant(
            IGrantable grantee, String queue, Level level, BiFunction<String, String, String> executeApiArn) {
        return Grant.addToPrincipal(GrantOnPrincipalOptions.builder()
                .grantee(grantee)
                .actions(List.of(INVOKE))
                .resourceArns(requests(queue, level, executeApiArn))
                .build());
    }

    /** Each route {@code level} allows, as {@code format} writes its method and its path for {@code queue}. */
    private static List<String> requests(String queue, Level level, BiFunction<String, String, String> format) {
        String name = validName(queue);
        return Routes.ALL.stream()
                .filter(route -> level.operations().contains(route.operation()))
                .map(route -> format.apply(route.method(), concretePath(route.path(), name)))
                .toList();
    }

    /** The route's path for this queue; a parameter below the queue (a receipt handle) is any one value. */
    private static String concretePath(String routePath, String queue) {
        return routePath.replace("{queue}", queue).replaceAll("\\{[A-Za-z]+}", "*");
    }

    /** The operations whose paths are the queue's own: {@code /v1/queues/{queue}} and below it. */
    private static Set<Operation> queueOperations() {
        Set<Operation> operations = EnumSet.noneOf(Operation.class);
        // the SQS endpoint's routes are not below the queue's path: a grant of them would reach every queue
        Routes.ALL.stream()
                .filter(route -> route.path().equals(QUEUE_PATH) || route.path().startsWith(QUEUE_PATH + "/"))
                .forEach(route -> operations.add(route.operation()));
        return operations;
    }

    /** Queue names hold no IAM wildcard ({@code *}, {@code ?}): the name rules allow none. */
    private static String validName(String queue) {
        try {
            return Names.requireUserQueueName(queue);
        } catch (QueueException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
