package dev.mq.sqs.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mq.client.MqClient;
import dev.mq.model.Responses.ReceivedMessage;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIf;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlRequest;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * One set of queues behind both APIs: a queue made through mq's own {@code /v1} API (with the Java
 * {@code MqClient}) is usable through SQS, and one made through SQS through {@code /v1}. Needs a target
 * that serves both APIs, so it is skipped on ElasticMQ.
 */
@EnabledIf(value = "targetServesMqApi", disabledReason = "the target serves no /v1 API (ElasticMQ)")
class SharedWithMqApiTest extends SqsTestSupport {
    private MqClient mq;

    static boolean targetServesMqApi() {
        return target().servesMqApi();
    }

    @BeforeAll
    void connectToTheMqApi() {
        mq = MqClient.builder()
                .endpoint(URI.create(target().mqBaseUrl().toString()))
                .build();
    }

    @AfterAll
    void closeMqClient() {
        if (mq != null) {
            mq.close();
        }
    }

    @BothProtocols
    void aQueueMadeThroughV1_isFoundAndUsableThroughSqs(Sqs sqs) {
        String name = uniqueName("fromv1");
        mq.createQueue(name, Map.of("visibilityTimeoutSeconds", 45));
        mq.send(name, "sent through v1");

        String url = track(
                sqs.getQueueUrl(GetQueueUrlRequest.builder().queueName(name).build())
                        .queueUrl());
        Message received = receiveOne(sqs, url, 30);
        send(sqs, url, "sent through sqs");
        List<ReceivedMessage> throughV1 = mq.receive(name, 10, 2);

        assertThat(url).endsWith("/" + name);
        assertThat(attributes(sqs, url, "VisibilityTimeout")).containsEntry("VisibilityTimeout", "45");
        assertThat(received.body()).isEqualTo("sent through v1");
        assertThat(throughV1).extracting(ReceivedMessage::body).containsExactly("sent through sqs");
    }

    @BothProtocols
    void aQueueMadeThroughSqs_isFoundAndUsableThroughV1(Sqs sqs) {
        String url = createQueue(sqs, "fromsqs", Map.of(QueueAttributeName.DELAY_SECONDS, "0"));
        String name = nameOf(url);
        send(sqs, url, "sent through sqs");

        List<ReceivedMessage> throughV1 = mq.receive(name, 10, 2);
        mq.ack(name, throughV1.get(0).receiptHandle());
        mq.send(name, "sent through v1");

        assertThat(mq.getQueue(name).name()).isEqualTo(name);
        assertThat(throughV1).extracting(ReceivedMessage::body).containsExactly("sent through sqs");
        assertThat(receiveOne(sqs, url, 30).body()).isEqualTo("sent through v1");
    }
}
