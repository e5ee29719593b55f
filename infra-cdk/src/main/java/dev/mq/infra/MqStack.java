package dev.mq.infra;

import dev.mq.deploy.DeployedFunction;
import dev.mq.handlers.AckHandler;
import dev.mq.handlers.AdminHandler;
import dev.mq.handlers.CountsHandler;
import dev.mq.handlers.DeliveryHandler;
import dev.mq.handlers.FanoutHandler;
import dev.mq.handlers.FunctionRuntime;
import dev.mq.handlers.MetricsHandler;
import dev.mq.handlers.PublishHandler;
import dev.mq.handlers.ReceiveHandler;
import dev.mq.store.StreamFilters;
import dev.mq.store.TableAccess;
import dev.mq.store.Tables;
import java.nio.file.Files;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.StreamViewType;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.RuntimeFamily;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.StartingPosition;
import software.amazon.awscdk.services.lambda.eventsources.DynamoEventSource;
import software.amazon.awscdk.services.lambda.eventsources.SqsDlq;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * One deployment of the queue: three DynamoDB tables, seven functions (the four API families, fan-out,
 * endpoint delivery, metrics), the REST API in front, the streams and the schedule that drive the
 * background work, and the alarms that watch it.
 */
public final class MqStack extends Stack {
    /** The handler class of each function; those serving the API are named by the route table, {@code Routes.ALL}. */
    static final Map<DeployedFunction, String> HANDLERS = Map.of(
            DeployedFunction.PUBLISH, PublishHandler.class.getName(),
            DeployedFunction.RECEIVE, ReceiveHandler.class.getName(),
            DeployedFunction.ACK, AckHandler.class.getName(),
            DeployedFunction.ADMIN, AdminHandler.class.getName(),
            DeployedFunction.FANOUT, FanoutHandler.class.getName(),
            DeployedFunction.DELIVERY, DeliveryHandler.class.getName(),
            DeployedFunction.METRICS, MetricsHandler.class.getName(),
            DeployedFunction.COUNTS, CountsHandler.class.getName());

    /** The namespace of the queue metrics the metrics function emits. */
    static final String METRICS_NAMESPACE = "mq";

    private final StackSettings settings;
    private final Map<TableAccess.Table, Table> tables = new EnumMap<>(TableAccess.Table.class);
    private final Map<DeployedFunction, Alias> functions = new EnumMap<>(DeployedFunction.class);
    private final Map<DeployedFunction, Role> roles = new EnumMap<>(DeployedFunction.class);

    public MqStack(Construct scope, String id, StackProps props, StackSettings settings) {
        super(scope, id, props);
        this.settings = settings;
        if (!Files.isRegularFile(settings.functionsJar())) {
            throw new IllegalStateException(
                    "the Lambda package " + settings.functionsJar().toAbsolutePath()
                            + " is missing: run `mvn -DskipTests package` at the project root first");
        }

        Tables names = Tables.withPrefix(settings.prefix());
        tables.put(TableAccess.Table.CATALOG, table("Catalog", names.catalog(), null));
        // new delivery jobs wake the delivery function through this stream (filtered to jobs only), and the
        // counter keeps each queue's counts from it: a removal counts by what was removed (the old image)
        tables.put(TableAccess.Table.MESSAGES, table("Messages", names.messages(), StreamViewType.NEW_AND_OLD_IMAGES));
        tables.put(TableAccess.Table.TOPIC_LOG, table("TopicLog", names.topicLog(), StreamViewType.NEW_IMAGE));

        Secret receiptKey =
                ReceiptKeySecret.create(this, "ReceiptKey", settings.prefix() + "/receipt-key", removalPolicy());
        Map<String, String> environment = Map.of(
                Tables.CATALOG_ENV, names.catalog(),
                Tables.MESSAGES_ENV, names.messages(),
                Tables.TOPIC_LOG_ENV, names.topicLog(),
                // only the secret's ARN: each function reads the value at init (ReceiptKeySource)
                FunctionRuntime.RECEIPT_KEY_SECRET_ENV, receiptKey.getSecretArn(),
                FunctionRuntime.ALLOW_PRIVATE_ENDPOINTS_ENV, Boolean.toString(settings.allowPrivateEndpoints()),
                DeliveryHandler.MAX_ATTEMPTS_ENV, Integer.toString(settings.deliveryMaxAttempts()),
                MetricsHandler.NAMESPACE_ENV, METRICS_NAMESPACE,
                MetricsHandler.DEPLOYMENT_ENV, settings.prefix());

        // Memory buys CPU, and a Java cold start is CPU-bound; receive mostly waits (long polls), so it
        // gets the least. API functions end before API Gateway's 29 s; receive waits up to 20 s of that.
        function(DeployedFunction.PUBLISH, 1024, Duration.seconds(15), environment);
        function(DeployedFunction.RECEIVE, 512, Duration.seconds(28), environment);
        function(DeployedFunction.ACK, 1024, Duration.seconds(15), environment);
        function(DeployedFunction.ADMIN, 1024, Duration.seconds(28), environment);
        function(DeployedFunction.FANOUT, 1024, Duration.minutes(1), environment);
        // a delivery run drains due jobs until 30 s before its end (DeliveryHandler.RESERVE_MILLIS)
        function(DeployedFunction.DELIVERY, 512, Duration.minutes(5), environment);
        function(DeployedFunction.METRICS, 512, Duration.minutes(1), environment);
        function(DeployedFunction.COUNTS, 512, Duration.minutes(1), environment);
        roles.values().forEach(role -> ReceiptKeySecret.grantRead(receiptKey, role));

        streams();
        Rule sweeper = Rule.Builder.create(this, "Sweeper")
                .description("Every minute: retry due endpoint deliveries and emit queue metrics")
                .schedule(Schedule.rate(Duration.minutes(1)))
                .targets(List.of(
                        LambdaFunction.Builder.create(functions.get(DeployedFunction.DELIVERY))
                                .retryAttempts(2)
                                .build(),
                        LambdaFunction.Builder.create(functions.get(DeployedFunction.METRICS))
                                .retryAttempts(2)
                                .build()))
                .build();

        RestApiFront api = new RestApiFront(this, "Api", settings, functions);
        new Monitoring(this, "Monitoring", settings, functions, api.api());
        NagSuppressions.apply(this);

        CfnOutput.Builder.create(this, "ApiUrl")
                .value(api.api().getUrl())
                .description("Base URL of the HTTP API (requests are signed with SigV4, service execute-api)")
                .build();
        CfnOutput.Builder.create(this, "ApiId")
                .value(api.api().getRestApiId())
                .description("REST API id (LocalStack serves it at /restapis/<id>/prod/_user_request_)")
                .build();
        CfnOutput.Builder.create(this, "CatalogTable").value(names.catalog()).build();
        CfnOutput.Builder.create(this, "MessagesTable").value(names.messages()).build();
        CfnOutput.Builder.create(this, "TopicLogTable").value(names.topicLog()).build();
        CfnOutput.Builder.create(this, "SweeperRule")
                .value(sweeper.getRuleName())
                .build();
    }

    /**
     * The newest Java runtime this CDK version offers with SnapStart; Lambda runs our Java 17 bytecode on
     * any later one.
     */
    static Runtime javaRuntime() {
        return Runtime.ALL.stream()
                .filter(r -> r.getFamily() == RuntimeFamily.JAVA && Boolean.TRUE.equals(r.getSupportsSnapStart()))
                .filter(r -> r.getName().matches("java\\d+"))
                .max(Comparator.comparingInt(r -> Integer.parseInt(r.getName().substring("java".length()))))
                .orElseThrow();
    }

    private RemovalPolicy removalPolicy() {
        return settings.retainData() ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    }

    private Table table(String id, String name, StreamViewType stream) {
        return Table.Builder.create(this, id)
                .tableName(name)
                .partitionKey(Attribute.builder()
                        .name("pk")
                        .type(AttributeType.STRING)
                        .build())
                .sortKey(Attribute.builder()
                        .name("sk")
                        .type(AttributeType.STRING)
                        .build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .timeToLiveAttribute("expiresAt")
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true)
                        .build())
                .stream(stream)
                .deletionProtection(settings.deletionProtection())
                .removalPolicy(removalPolicy())
                .build();
    }

    /** A function with its own log group and only the table actions {@link TableAccess} names for it. */
    private void function(DeployedFunction which, int memoryMb, Duration timeout, Map<String, String> env) {
        String name = which.name().charAt(0) + which.name().substring(1).toLowerCase();
        String functionName = settings.prefix() + "-" + name.toLowerCase();
        LogGroup logs = LogGroup.Builder.create(this, name + "Logs")
                .logGroupName("/aws/lambda/" + functionName)
                .retention(RetentionDays.ONE_MONTH)
                .removalPolicy(removalPolicy())
                .build();
        // its own role, allowed to write its own log group only (no managed policy)
        Role role = Role.Builder.create(this, name + "Role")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description("mq " + name.toLowerCase() + " function")
                .build();
        logs.grantWrite(role);
        roles.put(which, role);
        Function.Builder builder = Function.Builder.create(this, name)
                .role(role)
                .functionName(functionName)
                .description("mq " + name.toLowerCase() + " (" + HANDLERS.get(which) + ")")
                .runtime(javaRuntime())
                .architecture(Architecture.ARM_64)
                .code(Code.fromAsset(settings.functionsJar().toString()))
                .handler(HANDLERS.get(which) + "::handleRequest")
                .memorySize(memoryMb)
                .timeout(timeout)
                .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
                .environment(env)
                .logGroup(logs);
        if (which == DeployedFunction.RECEIVE && settings.receiveConcurrency() > 0) {
            builder.reservedConcurrentExecutions(settings.receiveConcurrency());
        }
        Function function = builder.build();
        software.amazon.awscdk.Annotations.of(function)
                .acknowledgeWarning(
                        "@aws-cdk/aws-lambda:snapStartRequirePublish",
                        "every caller invokes the live alias of a published version");
        TableAccess.of(which)
                .forEach((table, actions) -> tables.get(table)
                        .grant(function, actions.stream().sorted().toArray(String[]::new)));
        // SnapStart applies to published versions: the API, streams and schedule call the alias.
        functions.put(
                which,
                Alias.Builder.create(this, name + "Live")
                        .aliasName("live")
                        .version(function.getCurrentVersion())
                        .build());
    }

    /**
     * The three stream consumers. A failing record is retried on its own (ReportBatchItemFailures, with
     * bisection for a batch that fails as a whole) up to a limit, then its position goes to the failure
     * queue; copies, jobs and counts are idempotent, so retries never duplicate them.
     */
    private void streams() {
        Queue failures = Queue.Builder.create(this, "StreamFailures")
                .queueName(settings.prefix() + "-stream-failures")
                .retentionPeriod(Duration.days(14))
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .build();
        functions
                .get(DeployedFunction.FANOUT)
                .addEventSource(DynamoEventSource.Builder.create(tables.get(TableAccess.Table.TOPIC_LOG))
                        .startingPosition(StartingPosition.TRIM_HORIZON)
                        .batchSize(100)
                        .maxBatchingWindow(Duration.seconds(0))
                        .bisectBatchOnError(true)
                        .retryAttempts(10)
                        .maxRecordAge(Duration.days(1))
                        .reportBatchItemFailures(true)
                        .onFailure(new SqsDlq(failures))
                        .filters(List.of(Map.of("pattern", StreamFilters.publishedTopicMessages())))
                        .build());
        functions
                .get(DeployedFunction.DELIVERY)
                .addEventSource(DynamoEventSource.Builder.create(tables.get(TableAccess.Table.MESSAGES))
                        .startingPosition(StartingPosition.LATEST)
                        .batchSize(10)
                        .bisectBatchOnError(true)
                        .retryAttempts(2)
                        .maxRecordAge(Duration.hours(1))
                        .reportBatchItemFailures(true)
                        .onFailure(new SqsDlq(failures))
                        .filters(List.of(Map.of("pattern", StreamFilters.newDeliveryJobs())))
                        .build());
        // Every message write, in batches gathered for up to 5 s: one counts update per queue per batch, so
        // the counter's cost follows the number of batches, not of messages. A batch that keeps failing
        // is retried for as long as the stream keeps it (a day): a dropped one would leave counts off.
        functions
                .get(DeployedFunction.COUNTS)
                .addEventSource(DynamoEventSource.Builder.create(tables.get(TableAccess.Table.MESSAGES))
                        .startingPosition(StartingPosition.TRIM_HORIZON)
                        .batchSize(1000)
                        .maxBatchingWindow(Duration.seconds(5))
                        .bisectBatchOnError(true)
                        .retryAttempts(10_000)
                        .maxRecordAge(Duration.days(1))
                        .reportBatchItemFailures(true)
                        .onFailure(new SqsDlq(failures))
                        .filters(StreamFilters.messageWrites().stream()
                                .map(p -> Map.<String, Object>of("pattern", p))
                                .toList())
                        .build());
        NagSuppressions.streamConsumer(roles.get(DeployedFunction.COUNTS));
        NagSuppressions.streamConsumer(roles.get(DeployedFunction.FANOUT));
        NagSuppressions.streamConsumer(roles.get(DeployedFunction.DELIVERY));
        CfnOutput.Builder.create(this, "StreamFailureQueue")
                .value(failures.getQueueUrl())
                .build();
    }
}
