package dev.mq.cdk;

import dev.mq.deploy.DeployedFunction;
import dev.mq.handlers.AckHandler;
import dev.mq.handlers.AdminHandler;
import dev.mq.handlers.CountsHandler;
import dev.mq.handlers.DeliveryHandler;
import dev.mq.handlers.FanoutHandler;
import dev.mq.handlers.FunctionRuntime;
import dev.mq.handlers.MetricsHandler;
import dev.mq.handlers.PublishHandler;
import dev.mq.handlers.PushHandler;
import dev.mq.handlers.ReceiveHandler;
import dev.mq.store.StreamFilters;
import dev.mq.store.TableAccess;
import dev.mq.store.Tables;
import java.nio.file.Files;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Arn;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.apigateway.RestApi;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.StreamViewType;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.StartingPosition;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.lambda.eventsources.DynamoEventSource;
import software.amazon.awscdk.services.lambda.eventsources.SqsDlq;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.amazon.awscdk.services.sqs.IQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * One mq deployment, to add to any CDK stack: three DynamoDB tables, ten functions (the four API
 * families and the SQS-compatible endpoint, fan-out, endpoint delivery, counts, metrics, push delivery), the API front door, the streams and the
 * schedule that drive the background work, and the alarms that watch it.
 *
 * <pre>{@code
 * MqService mq = new MqService(this, "Mq", MqServiceProps.builder()
 *         .functionsJar(Path.of("mq-functions.jar"))
 *         .alarmEmail("ops@example.com")
 *         .build());
 * mq.url(); // https://<id>.execute-api.<region>.amazonaws.com/prod/
 * }</pre>
 *
 * <p>Without a prefix CloudFormation names every resource, so two deployments share an account and a
 * retained table never blocks a redeploy. The findings of cdk-nag's AwsSolutions rules it accepts are
 * suppressed on its own resources only, each with its reason.
 */
public final class MqService extends Construct {
    /**
     * The Lambda runtime, pinned: a CDK upgrade never changes it. Java 25 is the newest with SnapStart;
     * the functions are Java 17 bytecode.
     */
    public static final Runtime RUNTIME = Runtime.JAVA_25;

    /** The SQS-compatible endpoint's handler, named as the Lambda runtime loads it. */
    private static final String SQS_HANDLER = "dev.mq.handlers.SqsHandler";

    /** The handler class of each function; those serving the API are named by the route table, {@code Routes.ALL}. */
    public static final Map<DeployedFunction, String> HANDLERS = Map.of(
            DeployedFunction.PUBLISH, PublishHandler.class.getName(),
            DeployedFunction.RECEIVE, ReceiveHandler.class.getName(),
            DeployedFunction.ACK, AckHandler.class.getName(),
            DeployedFunction.ADMIN, AdminHandler.class.getName(),
            DeployedFunction.FANOUT, FanoutHandler.class.getName(),
            DeployedFunction.DELIVERY, DeliveryHandler.class.getName(),
            DeployedFunction.METRICS, MetricsHandler.class.getName(),
            DeployedFunction.COUNTS, CountsHandler.class.getName(),
            DeployedFunction.PUSH, PushHandler.class.getName(),
            DeployedFunction.SQS, SQS_HANDLER);

    /** The namespace of the queue metrics the metrics function emits. */
    public static final String METRICS_NAMESPACE = "mq";

    private final MqServiceProps props;
    private final String deployment;
    private final Map<TableAccess.Table, Table> tables = new EnumMap<>(TableAccess.Table.class);
    private final Map<DeployedFunction, Alias> functions = new EnumMap<>(DeployedFunction.class);
    private final Map<DeployedFunction, Role> roles = new EnumMap<>(DeployedFunction.class);
    private final String consumerFunctionPrefix;
    private final Queue streamFailures;
    private final Rule sweeper;
    private final ApiFront front;
    private final ITopic alarmTopic;
    private final Monitoring monitoring;

    public MqService(Construct scope, String id, MqServiceProps props) {
        super(scope, id);
        this.props = props;
        if (!Files.isRegularFile(props.functionsJar())) {
            throw new IllegalStateException(
                    "the Lambda package " + props.functionsJar().toAbsolutePath()
                            + " is missing: run `mvn -DskipTests package` at the project root first");
        }
        // the queue metrics' Deployment dimension, which the alarms watch
        this.deployment =
                props.prefix() != null ? props.prefix() : Stack.of(this).getStackName();
        boolean sharesDimension = Stack.of(this).getNode().findAll().stream()
                .anyMatch(c -> c != this && c instanceof MqService other && other.deployment.equals(deployment));
        if (sharesDimension) {
            throw new IllegalArgumentException(
                    "another MqService in stack " + Stack.of(this).getStackName() + " reports its metrics as "
                            + deployment + ": give each its own prefix");
        }
        this.consumerFunctionPrefix =
                props.consumerFunctionPrefix() != null ? props.consumerFunctionPrefix() : deployment + "-consumer-";
        props.tags().forEach((key, value) -> Tags.of(this).add(key, value));
        if (props.kmsKey() != null) {
            allowLogsToUse(props.kmsKey());
        }

        // named only with a prefix: a generated name never collides with a table kept from an earlier stack
        Tables names = props.prefix() != null ? Tables.withPrefix(props.prefix()) : null;
        tables.put(TableAccess.Table.CATALOG, table("Catalog", names == null ? null : names.catalog(), null));
        // new delivery jobs wake the delivery function through this stream (filtered to jobs only), and the
        // counter keeps each queue's counts from it: a removal counts by what was removed (the old image)
        tables.put(
                TableAccess.Table.MESSAGES,
                table("Messages", names == null ? null : names.messages(), StreamViewType.NEW_AND_OLD_IMAGES));
        tables.put(
                TableAccess.Table.TOPIC_LOG,
                table("TopicLog", names == null ? null : names.topicLog(), StreamViewType.NEW_IMAGE));

        // receipt handles are signed with this key; the functions get only its ARN and read it at init
        Secret receiptKey = ReceiptKeySecret.create(
                this,
                "ReceiptKey",
                props.prefix() != null ? props.prefix() + "/receipt-key" : null,
                props.removalPolicy());
        Map<String, String> environment = Map.of(
                Tables.CATALOG_ENV, catalogTable().getTableName(),
                Tables.MESSAGES_ENV, messagesTable().getTableName(),
                Tables.TOPIC_LOG_ENV, topicLogTable().getTableName(),
                FunctionRuntime.RECEIPT_KEY_SECRET_ENV, receiptKey.getSecretArn(),
                FunctionRuntime.ALLOW_PRIVATE_ENDPOINTS_ENV, Boolean.toString(props.allowPrivateEndpoints()),
                DeliveryHandler.MAX_ATTEMPTS_ENV, Integer.toString(props.deliveryMaxAttempts()),
                MetricsHandler.NAMESPACE_ENV, METRICS_NAMESPACE,
                MetricsHandler.DEPLOYMENT_ENV, deployment,
                FunctionRuntime.CONSUMER_FUNCTION_PREFIX_ENV, consumerFunctionPrefix,
                FunctionRuntime.ACCOUNT_ENV, Stack.of(this).getAccount());

        // Memory buys CPU, and a Java cold start is CPU-bound; receive mostly waits (long polls), so it
        // gets the least. API functions end before API Gateway's 29 s; receive waits up to 20 s of that.
        function(DeployedFunction.PUBLISH, 1024, Duration.seconds(15), environment);
        function(DeployedFunction.RECEIVE, 512, Duration.seconds(28), environment);
        function(DeployedFunction.ACK, 1024, Duration.seconds(15), environment);
        function(DeployedFunction.ADMIN, 1024, Duration.seconds(28), environment);
        // every SQS action, a long-polling ReceiveMessage (up to 20 s) included, through one function
        function(DeployedFunction.SQS, 1024, Duration.seconds(28), environment);
        function(DeployedFunction.FANOUT, 1024, Duration.minutes(1), environment);
        // a delivery run drains due jobs until 30 s before its end (DeliveryHandler.RESERVE_MILLIS)
        function(DeployedFunction.DELIVERY, 512, Duration.minutes(5), environment);
        function(DeployedFunction.METRICS, 512, Duration.minutes(1), environment);
        function(DeployedFunction.COUNTS, 512, Duration.minutes(1), environment);
        // Push delivery mostly waits on consumers (a function's synchronous invoke, an endpoint's POST),
        // so memory buys little; 512 MB keeps the cold start short. An invocation waits until its rounds
        // are done or 5 s before its end (PushHandler): 2 minutes lets a consumer take over a minute per
        // batch, yet a slow consumer holds a stream shard (delaying other queues' wake-ups, never their
        // delivery: the sweep runs apart) for at most that long. A round cut off resumes in the next
        // invocation, and its batch comes back after its visibility timeout if it never does.
        function(DeployedFunction.PUSH, 512, Duration.minutes(2), environment);
        grantConsumerInvocations(roles.get(DeployedFunction.PUSH));
        roles.values().forEach(role -> ReceiptKeySecret.grantRead(receiptKey, role));

        streamFailures = streams();
        sweeper = Rule.Builder.create(this, "Sweeper")
                .description(
                        "Every minute: retry due endpoint deliveries, sweep push consumers and emit queue" + " metrics")
                .schedule(Schedule.rate(Duration.minutes(1)))
                .targets(List.of(
                        LambdaFunction.Builder.create(functions.get(DeployedFunction.DELIVERY))
                                .retryAttempts(2)
                                .build(),
                        LambdaFunction.Builder.create(functions.get(DeployedFunction.METRICS))
                                .retryAttempts(2)
                                .build(),
                        // a missed sweep is made up by the next, a minute later
                        LambdaFunction.Builder.create(functions.get(DeployedFunction.PUSH))
                                .retryAttempts(0)
                                .build()))
                .build();

        front = front();
        alarmTopic = makeAlarmTopic();
        monitoring =
                new Monitoring(this, "Monitoring", props, deployment, functions, front, streamFailures, alarmTopic);
        NagSuppressions.apply(this, props);
    }

    /**
     * The one place the API front door is made, by {@link MqServiceProps#apiKind()}: every kind serves
     * every route of the route table with IAM auth, behind the functions' live aliases.
     */
    private ApiFront front() {
        return switch (props.apiKind()) {
            case REST -> new RestApiFront(this, "Api", props, deployment, functions, accessLogs());
            case HTTP -> new HttpApiFront(this, "Api", props, deployment, functions, accessLogs());
        };
    }

    // ---------------------------------------------------------------- what users wire to

    /**
     * The REST API, or null with {@link ApiKind#HTTP}; grant {@code execute-api:Invoke} on
     * {@code api().arnForExecuteApi(...)}.
     */
    public RestApi api() {
        return front instanceof RestApiFront rest ? rest.api() : null;
    }

    /** The HTTP API, or null with {@link ApiKind#REST}. */
    public software.amazon.awscdk.services.apigatewayv2.HttpApi httpApi() {
        return front instanceof HttpApiFront http ? http.api() : null;
    }

    /**
     * Lets {@code grantee} call exactly one queue's routes at {@code level} (send only, consume only, or
     * all of that queue's routes), never another queue whose name starts the same ({@link QueueAccess}).
     */
    public software.amazon.awscdk.services.iam.Grant grantQueue(
            software.amazon.awscdk.services.iam.IGrantable grantee, String queue, QueueAccess.Level level) {
        return front instanceof RestApiFront rest
                ? QueueAccess.grant(grantee, rest.api(), queue, level)
                // an HTTP API's one stage is $default; its ARNs take * there
                : QueueAccess.grant(grantee, Stack.of(this), front.id(), "*", queue, level);
    }

    /** The API's id, whichever kind it is: {@code execute-api} ARNs name it. */
    public String apiId() {
        return front.id();
    }

    /** The API's base URL (the custom domain's when one is set), ending with a slash. */
    public String url() {
        return props.customDomain() != null ? props.customDomain().url() : front.url();
    }

    /** The custom domain, or null; its regional name is the target of the DNS record. */
    public software.amazon.awscdk.services.apigateway.DomainName domainName() {
        return front instanceof RestApiFront rest ? rest.domain() : null;
    }

    /** The API key callers must send when {@link MqServiceProps#apiKeys()} is on, else null. */
    public software.amazon.awscdk.services.apigateway.IApiKey apiKey() {
        return front instanceof RestApiFront rest ? rest.apiKey() : null;
    }

    public ITable catalogTable() {
        return tables.get(TableAccess.Table.CATALOG);
    }

    public ITable messagesTable() {
        return tables.get(TableAccess.Table.MESSAGES);
    }

    public ITable topicLogTable() {
        return tables.get(TableAccess.Table.TOPIC_LOG);
    }

    /** The live alias of each function: what the API, the streams and the schedule invoke. */
    public Map<DeployedFunction, Alias> functions() {
        return Collections.unmodifiableMap(functions);
    }

    /** Where a stream record goes when its consumer gave up on it (see the README on replaying it). */
    public IQueue streamFailures() {
        return streamFailures;
    }

    public Rule sweeper() {
        return sweeper;
    }

    /** The topic the alarms notify (given, or made for the alarm e-mail address), or null. */
    public ITopic alarmTopic() {
        return alarmTopic;
    }

    /** Who the alarms notify, for a deploy output: the e-mail address, the topic ARN, or {@code none}. */
    public String alarmNotifications() {
        if (props.alarmEmail() != null) {
            return props.alarmEmail();
        }
        return alarmTopic != null ? alarmTopic.getTopicArn() : "none";
    }

    public List<software.amazon.awscdk.services.cloudwatch.Alarm> alarms() {
        return monitoring.alarms();
    }

    /** The Deployment dimension of the queue metrics: the prefix, or the stack's name. */
    public String deployment() {
        return deployment;
    }

    // ---------------------------------------------------------------- parts

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
                .encryption(props.kmsKey() != null ? TableEncryption.CUSTOMER_MANAGED : TableEncryption.DEFAULT)
                .encryptionKey(props.kmsKey())
                .deletionProtection(props.deletionProtection())
                .removalPolicy(props.removalPolicy())
                .build();
    }

    /** A log group kept like the data, encrypted with the service's key when it has one. */
    private LogGroup logGroup(Construct scope, String id, String name) {
        return LogGroup.Builder.create(scope, id)
                .logGroupName(name)
                .retention(RetentionDays.ONE_MONTH)
                .encryptionKey(props.kmsKey())
                .removalPolicy(props.removalPolicy())
                .build();
    }

    private LogGroup accessLogs() {
        if (!props.accessLogs()) {
            return null;
        }
        return logGroup(
                this, "AccessLogs", props.prefix() != null ? "/aws/apigateway/" + props.prefix() + "-api" : null);
    }

    /** A function with its own log group and only the table actions {@link TableAccess} names for it. */
    private void function(DeployedFunction which, int memoryMb, Duration timeout, Map<String, String> env) {
        String name = which.name().charAt(0) + which.name().substring(1).toLowerCase();
        String functionName = props.prefix() != null ? props.prefix() + "-" + name.toLowerCase() : null;
        LogGroup logs = logGroup(this, name + "Logs", functionName != null ? "/aws/lambda/" + functionName : null);
        // its own role, allowed to write its own log group only (no managed policy)
        Role role = Role.Builder.create(this, name + "Role")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description("mq " + name.toLowerCase() + " function")
                .build();
        logs.grantWrite(role);
        roles.put(which, role);
        Function function = Function.Builder.create(this, name)
                .role(role)
                .functionName(functionName)
                .description("mq " + name.toLowerCase() + " (" + HANDLERS.get(which) + ")")
                .runtime(RUNTIME)
                .architecture(Architecture.ARM_64)
                .code(Code.fromAsset(props.functionsJar().toString()))
                .handler(HANDLERS.get(which) + "::handleRequest")
                .memorySize(memoryMb)
                .timeout(timeout)
                .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
                .tracing(props.tracing() ? Tracing.ACTIVE : Tracing.DISABLED)
                .environment(env)
                .logGroup(logs)
                // none by default: a new account's concurrency limit is 10, and a reservation above what is
                // free fails the deploy
                .reservedConcurrentExecutions(which == DeployedFunction.RECEIVE ? props.receiveConcurrency() : null)
                .build();
        Annotations.of(function)
                .acknowledgeWarning(
                        "@aws-cdk/aws-lambda:snapStartRequirePublish",
                        "every caller invokes the live alias of a published version");
        TableAccess.of(which)
                .forEach((table, actions) -> tables.get(table)
                        .grant(function, actions.stream().sorted().toArray(String[]::new)));
        if (props.kmsKey() != null && !TableAccess.of(which).isEmpty()) {
            // Table.grant names table actions only; items encrypted with the key need it too
            props.kmsKey().grantEncryptDecrypt(role);
        }
        // SnapStart applies to published versions: the API, streams and schedule call the alias.
        functions.put(
                which,
                Alias.Builder.create(this, name + "Live")
                        .aliasName("live")
                        .version(function.getCurrentVersion())
                        .build());
    }

    /**
     * Lets the push function invoke the consumers' functions: only those whose name starts with the
     * consumer function prefix ({@link MqServiceProps#consumerFunctionPrefix()}), in this account and
     * region, any version or alias. The consumers API refuses a function outside the rule, saying it.
     */
    private void grantConsumerInvocations(Role role) {
        Stack stack = Stack.of(this);
        String functions = stack.formatArn(ArnComponents.builder()
                .service("lambda")
                .resource("function")
                .resourceName(consumerFunctionPrefix + "*")
                .arnFormat(ArnFormat.COLON_RESOURCE_NAME)
                .build());
        role.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("lambda:InvokeFunction"))
                .resources(List.of(functions, functions + ":*"))
                .build());
        NagSuppressions.consumerInvocations(role, consumerFunctionPrefix);
    }

    /** The start every consumer function's name must have: the push function may invoke only those. */
    public String consumerFunctionPrefix() {
        return consumerFunctionPrefix;
    }

    /**
     * The stream consumers. A failing record is retried on its own (ReportBatchItemFailures, with
     * bisection for a batch that fails as a whole) up to a limit, then its position goes to the failure
     * queue; copies, jobs and counts are idempotent, so retries (and replays) never duplicate them.
     */
    private Queue streams() {
        // kept and encrypted like the tables: what it holds points at records not yet applied
        Queue failures = Queue.Builder.create(this, "StreamFailures")
                .queueName(props.prefix() != null ? props.prefix() + "-stream-failures" : null)
                .retentionPeriod(Duration.days(14))
                .encryption(props.kmsKey() != null ? QueueEncryption.KMS : QueueEncryption.SQS_MANAGED)
                .encryptionMasterKey(props.kmsKey())
                .enforceSsl(true)
                .removalPolicy(props.removalPolicy())
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
        // Writes that may make a message visible wake push delivery. Small retries and no failure queue:
        // a wake-up that never comes is made up by the sweep within a minute, and a consumer's own failure
        // is never reported against the stream (PushHandler), so it never holds the shard.
        functions
                .get(DeployedFunction.PUSH)
                .addEventSource(DynamoEventSource.Builder.create(tables.get(TableAccess.Table.MESSAGES))
                        .startingPosition(StartingPosition.LATEST)
                        .batchSize(100)
                        .maxBatchingWindow(Duration.seconds(0))
                        .retryAttempts(2)
                        .maxRecordAge(Duration.minutes(5))
                        .reportBatchItemFailures(true)
                        .filters(List.of(Map.of("pattern", StreamFilters.visibleMessageWrites())))
                        .build());
        NagSuppressions.streamConsumer(roles.get(DeployedFunction.PUSH));
        NagSuppressions.streamConsumer(roles.get(DeployedFunction.COUNTS));
        NagSuppressions.streamConsumer(roles.get(DeployedFunction.FANOUT));
        NagSuppressions.streamConsumer(roles.get(DeployedFunction.DELIVERY));
        return failures;
    }

    private ITopic makeAlarmTopic() {
        if (props.alarmTopic() != null) {
            return props.alarmTopic();
        }
        if (props.alarmEmail() == null) {
            return null;
        }
        Topic topic = Topic.Builder.create(this, "AlarmTopic")
                .displayName("mq alarms")
                .masterKey(props.kmsKey())
                .enforceSsl(true)
                .build();
        topic.addSubscription(new EmailSubscription(props.alarmEmail()));
        if (props.kmsKey() != null) {
            // CloudWatch publishes to an encrypted topic only if the key lets it
            props.kmsKey()
                    .addToResourcePolicy(PolicyStatement.Builder.create()
                            .principals(List.of(new ServicePrincipal("cloudwatch.amazonaws.com")))
                            .actions(List.of("kms:Decrypt", "kms:GenerateDataKey*"))
                            .resources(List.of("*"))
                            .build());
        }
        return topic;
    }

    /**
     * CloudWatch Logs encrypts a log group with a customer-managed key only if the key's policy lets the
     * service use it for this account's log groups. A key imported from elsewhere keeps its own policy,
     * which must allow this already.
     */
    private void allowLogsToUse(IKey key) {
        Stack stack = Stack.of(this);
        key.addToResourcePolicy(PolicyStatement.Builder.create()
                .principals(List.of(new ServicePrincipal("logs." + stack.getRegion() + ".amazonaws.com")))
                .actions(List.of(
                        "kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"))
                .resources(List.of("*"))
                .conditions(Map.of(
                        "ArnLike",
                        Map.of(
                                "kms:EncryptionContext:aws:logs:arn",
                                Arn.format(
                                        ArnComponents.builder()
                                                .service("logs")
                                                .resource("log-group")
                                                .resourceName("*")
                                                .arnFormat(ArnFormat.COLON_RESOURCE_NAME)
                                                .build(),
                                        stack))))
                .build());
    }
}
