package dev.mq.infra;

import dev.mq.cdk.CustomDomain;
import dev.mq.cdk.MqService;
import dev.mq.cdk.MqServiceProps;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.certificatemanager.Certificate;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.sns.Topic;
import software.constructs.Construct;

/**
 * The stack {@code cdk deploy} deploys: one {@link MqService} with the settings of {@code cdk.json}, and
 * its outputs, each exported as {@code <stack>-<output>} for other stacks to import.
 */
public final class MqStack extends Stack {
    private final MqService service;

    public MqStack(Construct scope, String id, StackProps props, StackSettings settings) {
        super(scope, id, props);
        MqServiceProps.Builder mq = MqServiceProps.builder()
                .functionsJar(settings.functionsJar())
                .prefix(settings.prefix())
                .apiKind(settings.apiKind())
                .removalPolicy(settings.retainData() ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY)
                .deletionProtection(settings.deletionProtection())
                .receiveConcurrency(settings.receiveConcurrency() > 0 ? settings.receiveConcurrency() : null)
                .alarmEmail(settings.alarmEmail())
                .tracing(settings.tracing())
                .accessLogs(settings.accessLogs())
                .apiKeys(settings.apiKeys())
                .throttleRate(settings.throttleRate())
                .throttleBurst(settings.throttleBurst())
                .allowPrivateEndpoints(settings.allowPrivateEndpoints())
                .deliveryMaxAttempts(settings.deliveryMaxAttempts())
                .oldestMessageAlarmSeconds(settings.oldestMessageAlarmSeconds())
                .consumerFunctionPrefix(settings.consumerFunctionPrefix());
        if (settings.alarmTopicArn() != null) {
            mq.alarmTopic(Topic.fromTopicArn(this, "AlarmTopic", settings.alarmTopicArn()));
        }
        if (settings.kmsKeyArn() != null) {
            mq.kmsKey(Key.fromKeyArn(this, "Key", settings.kmsKeyArn()));
        }
        if (settings.domainName() != null) {
            mq.customDomain(new CustomDomain(
                    settings.domainName(),
                    Certificate.fromCertificateArn(this, "Certificate", settings.certificateArn()),
                    settings.basePath()));
        }
        service = new MqService(this, "Mq", mq.build());

        output(
                "ApiUrl",
                service.url(),
                "Base URL of the HTTP API (requests are signed with SigV4, service execute-api)");
        output("ApiId", service.apiId(), "API id (LocalStack serves a REST API at /restapis/<id>/prod/_user_request_)");
        output("CatalogTable", service.catalogTable().getTableName(), "queues, topics and subscriptions");
        output("MessagesTable", service.messagesTable().getTableName(), "queue messages");
        output("TopicLogTable", service.topicLogTable().getTableName(), "published topic messages");
        output(
                "StreamFailureQueue",
                service.streamFailures().getQueueUrl(),
                "stream records given up on (README: replaying failed stream records)");
        output(
                "ConsumerFunctionPrefix",
                service.consumerFunctionPrefix(),
                "push consumers may name only functions whose name starts with this (mq:consumerFunctionPrefix)");
        output("SweeperRule", service.sweeper().getRuleName(), "the every-minute schedule");
        output("AlarmNotifications", service.alarmNotifications(), "who the alarms notify (mq:alarmEmail)");
        if (service.apiKey() != null) {
            output(
                    "ApiKeyId",
                    service.apiKey().getKeyId(),
                    "aws apigateway get-api-key --include-value --api-key <id> shows the key");
        }
        if (service.domainName() != null) {
            output(
                    "DomainTarget",
                    service.domainName().getDomainNameAliasDomainName(),
                    "point the custom domain's DNS record (CNAME or alias) here");
        }
    }

    public MqService service() {
        return service;
    }

    private void output(String name, String value, String description) {
        CfnOutput.Builder.create(this, name)
                .value(value)
                .description(description)
                .exportName(getStackName() + "-" + name)
                .build();
    }
}
