package dev.mq.bench;

import dev.mq.client.Message;
import dev.mq.client.MqClient;
import dev.mq.client.RetryPolicy;
import dev.mq.core.MessageToSend;
import dev.mq.core.QueueService;
import dev.mq.core.ReceiveOptions;
import dev.mq.local.EmbeddedDynamoDb;
import dev.mq.local.LocalServer;
import dev.mq.model.QueueAttributes;
import dev.mq.model.Responses.ReceivedMessage;
import dev.mq.store.TableSetup;
import dev.mq.store.Tables;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The systems one lifecycle workload (send, receive, ack) runs against. Each speaks in batches of 1 to
 * 10 so the same runner drives all of them.
 *
 * <p>Each of our targets starts on a DynamoDB Local of its own, in memory, and stops it when closed, so
 * every run of every system begins on an empty database whatever ran before it. DynamoDB Local slows
 * down with what it holds (see {@link Benchmarks}); on a shared one a later run would pay for the
 * records of every earlier one. ElasticMQ's queues are in memory and a new one is empty, so one server
 * serves every run.
 */
final class Targets {
    private static final Tables TABLES = Tables.withPrefix("bench");

    private Targets() {}

    /** One queue of one system; handles are whatever the system acks with. Closing it stops what it started. */
    interface Target extends AutoCloseable {
        String name();

        void send(List<String> bodies);

        /** Up to {@code max} messages, waiting briefly for the first; answers their handles. */
        List<String> receive(int max);

        void ack(List<String> handles);

        @Override
        void close();
    }

    /**
     * Our queue over HTTP: a local server of its own (DynamoDB Local in memory, in its process) and the
     * Java client (no automatic deduplication).
     */
    static Target http(String queue) throws Exception {
        LocalServer server = LocalServer.start(new LocalServer.Options(0, null, "127.0.0.1", null));
        MqClient mq;
        try {
            mq = MqClient.builder()
                    .endpoint(server.baseUrl())
                    .autoDeduplication(false)
                    .retryPolicy(RetryPolicy.defaults())
                    .build();
            mq.createQueue(queue);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return new Target() {
            public String name() {
                return "mq over HTTP (local server)";
            }

            public void send(List<String> bodies) {
                if (bodies.size() == 1) {
                    mq.send(queue, bodies.get(0));
                } else {
                    mq.sendBatch(queue, bodies.stream().map(Message::of).toList());
                }
            }

            public List<String> receive(int max) {
                return mq.receive(queue, max, 1).stream()
                        .map(ReceivedMessage::receiptHandle)
                        .toList();
            }

            public void ack(List<String> handles) {
                if (handles.size() == 1) {
                    mq.ack(queue, handles.get(0));
                } else {
                    mq.ackBatch(queue, handles);
                }
            }

            public void close() {
                mq.close();
                server.close();
            }
        };
    }

    /**
     * Our queue in-process: {@code QueueService} over a DynamoDB Local of its own, called in process as the
     * local server calls it, no HTTP (library mode).
     */
    static Target library(String queue) throws Exception {
        EmbeddedDynamoDb dynamo = inProcessWithTables();
        QueueService service = Benchmarks.service(dynamo.client(), TABLES);
        try {
            service.createQueue(queue, QueueAttributes.defaults());
        } catch (RuntimeException e) {
            dynamo.close();
            throw e;
        }
        return new Target() {
            public String name() {
                return "mq library mode (in-process)";
            }

            public void send(List<String> bodies) {
                List<MessageToSend> messages =
                        bodies.stream().map(MessageToSend::of).toList();
                if (messages.size() > 1) {
                    service.sendBatch(queue, messages);
                } else {
                    service.send(queue, messages.get(0));
                }
            }

            public List<String> receive(int max) {
                return service.receive(queue, new ReceiveOptions(max, 1, null)).stream()
                        .map(m -> m.receiptHandle())
                        .toList();
            }

            public void ack(List<String> handles) {
                if (handles.size() == 1) {
                    service.ack(queue, handles.get(0));
                } else {
                    service.ackAll(queue, handles);
                }
            }

            public void close() {
                dynamo.close();
            }
        };
    }

    /**
     * ElasticMQ embedded, through the AWS SDK's SQS client with the same pooled HTTP client (Apache 5) as
     * the DynamoDB clients, so neither side is slowed by reconnecting.
     */
    static Target elasticMq(URI endpoint, String queue) {
        return sqsApi("ElasticMQ (embedded, SQS API)", endpoint, queue, () -> {});
    }

    /**
     * Our queue through its SQS-compatible endpoint: a local server of its own, as {@link #http}, driven
     * by the same SQS client as ElasticMQ. Beside {@link #http} it measures what the SQS protocol layer
     * costs over the /v1 API for the same messages and threads.
     */
    static Target sqs(String queue) throws Exception {
        LocalServer server = LocalServer.start(new LocalServer.Options(0, null, "127.0.0.1", null));
        try {
            return sqsApi("mq over SQS API (local server)", server.baseUrl(), queue, server::close);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private static Target sqsApi(String name, URI endpoint, String queue, Runnable onClose) {
        SqsClient sqs = SqsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .httpClientBuilder(Apache5HttpClient.builder())
                .build();
        String url = sqs.createQueue(r -> r.queueName(queue)).queueUrl();
        return new Target() {
            public String name() {
                return name;
            }

            public void send(List<String> bodies) {
                if (bodies.size() == 1) {
                    sqs.sendMessage(r -> r.queueUrl(url).messageBody(bodies.get(0)));
                } else {
                    List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
                    for (int i = 0; i < bodies.size(); i++) {
                        entries.add(SendMessageBatchRequestEntry.builder()
                                .id("m" + i)
                                .messageBody(bodies.get(i))
                                .build());
                    }
                    sqs.sendMessageBatch(r -> r.queueUrl(url).entries(entries));
                }
            }

            public List<String> receive(int max) {
                return sqs
                        .receiveMessage(
                                r -> r.queueUrl(url).maxNumberOfMessages(max).waitTimeSeconds(1))
                        .messages()
                        .stream()
                        .map(m -> m.receiptHandle())
                        .toList();
            }

            public void ack(List<String> handles) {
                if (handles.size() == 1) {
                    sqs.deleteMessage(r -> r.queueUrl(url).receiptHandle(handles.get(0)));
                } else {
                    List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
                    for (int i = 0; i < handles.size(); i++) {
                        entries.add(DeleteMessageBatchRequestEntry.builder()
                                .id("d" + i)
                                .receiptHandle(handles.get(i))
                                .build());
                    }
                    sqs.deleteMessageBatch(r -> r.queueUrl(url).entries(entries));
                }
            }

            public void close() {
                sqs.close();
                onClose.run();
            }
        };
    }

    /**
     * The ceiling for any queue kept in DynamoDB: per message a put, a query, a conditional update that
     * takes it, and a delete; no queue logic (no visibility times, receive counts, shards or receipts). On
     * a DynamoDB Local of its own, called in process, in our messages table (whose stream it writes too).
     */
    static Target rawDynamoDb() throws Exception {
        EmbeddedDynamoDb local = inProcessWithTables();
        DynamoDbClient dynamo = local.client();
        String table = TABLES.messages();
        String pk = "raw#" + UUID.randomUUID();
        return new Target() {
            public String name() {
                return "raw DynamoDB Local (put, query, update, delete)";
            }

            public void send(List<String> bodies) {
                for (String body : bodies) {
                    dynamo.putItem(r -> r.tableName(table)
                            .item(Map.of("pk", s(pk), "sk", s(UUID.randomUUID().toString()), "body", s(body))));
                }
            }

            public List<String> receive(int max) {
                List<Map<String, AttributeValue>> items = dynamo.query(r -> r.tableName(table)
                                .keyConditionExpression("pk = :pk")
                                .filterExpression("attribute_not_exists(lease)")
                                .expressionAttributeValues(Map.of(":pk", s(pk)))
                                .limit(max))
                        .items();
                List<String> taken = new ArrayList<>();
                for (Map<String, AttributeValue> item : items) {
                    String sk = item.get("sk").s();
                    try {
                        dynamo.updateItem(r -> r.tableName(table)
                                .key(key(pk, sk))
                                .updateExpression("SET lease = :l")
                                .conditionExpression("attribute_not_exists(lease)")
                                .expressionAttributeValues(
                                        Map.of(":l", s(UUID.randomUUID().toString()))));
                        taken.add(sk);
                    } catch (ConditionalCheckFailedException takenByAnother) {
                        // another consumer leased it first
                    }
                }
                if (taken.isEmpty()) {
                    pause();
                }
                return taken;
            }

            public void ack(List<String> handles) {
                for (String sk : handles) {
                    dynamo.deleteItem(r -> r.tableName(table).key(key(pk, sk)));
                }
            }

            public void close() {
                local.close();
            }
        };
    }

    /** A new DynamoDB Local, in memory and called in process, holding our tables and nothing else. */
    private static EmbeddedDynamoDb inProcessWithTables() throws Exception {
        EmbeddedDynamoDb dynamo = EmbeddedDynamoDb.start(null, EmbeddedDynamoDb.Access.IN_PROCESS);
        try {
            TableSetup.createIfMissing(dynamo.client(), TABLES);
            return dynamo;
        } catch (RuntimeException e) {
            dynamo.close();
            throw e;
        }
    }

    private static Map<String, AttributeValue> key(String pk, String sk) {
        Map<String, AttributeValue> key = new HashMap<>();
        key.put("pk", s(pk));
        key.put("sk", s(sk));
        return key;
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static void pause() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
