package dev.mq.cdk;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import java.util.ArrayList;
import java.util.List;
import software.constructs.IConstruct;

/**
 * The AwsSolutions findings an {@link MqService} accepts, each with its reason, on its own resources
 * only (never the rest of the user's stack). Anything else fails a synth that runs cdk-nag.
 */
final class NagSuppressions {
    private NagSuppressions() {}

    static void apply(MqService service, MqServiceProps props) {
        List<NagPackSuppression> accepted = new ArrayList<>(List.of(
                suppress(
                        "AwsSolutions-APIG2",
                        "Every function validates its request and answers the API's error"
                                + " shape; a gateway validator would answer in another shape"),
                suppress(
                        "AwsSolutions-APIG3",
                        "WAF costs per request and per rule; attach a web ACL to the stage"
                                + " where the API is exposed beyond trusted callers"),
                suppress(
                        "AwsSolutions-APIG6",
                        "Execution logs could record message bodies; access logs (an option) record"
                                + " every request without them"),
                suppress("AwsSolutions-COG4", "Callers sign with SigV4 (IAM authorization), not Cognito tokens"),
                suppress(
                        "AwsSolutions-SMG4",
                        "Rotating the receipt-handle key would void every lease in flight;"
                                + " it is rotated by replacing the secret at a quiet moment"),
                suppress("AwsSolutions-SQS3", "This queue is itself the on-failure destination of the streams")));
        if (!props.accessLogs()) {
            accepted.add(suppress(
                    "AwsSolutions-APIG1",
                    "Access logs are off by default: API Gateway writes them through the account's"
                            + " CloudWatch role, which a fresh account lacks; the accessLogs setting turns them on"));
        }
        if (props.kmsKey() != null) {
            accepted.add(NagPackSuppression.builder()
                    .id("AwsSolutions-IAM5")
                    .reason("KMS's data-key and re-encrypt actions come as families; they are granted on the"
                            + " service's one key only")
                    .appliesTo(List.of("Action::kms:ReEncrypt*", "Action::kms:GenerateDataKey*"))
                    .build());
        }
        if (props.tracing()) {
            accepted.add(NagPackSuppression.builder()
                    .id("AwsSolutions-IAM5")
                    .reason("X-Ray's PutTraceSegments and PutTelemetryRecords take no resource")
                    .appliesTo(List.of("Resource::*"))
                    .build());
        }
        if (props.alarmEmail() != null && props.kmsKey() == null) {
            accepted.add(suppress(
                    "AwsSolutions-SNS2",
                    "CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key; alarms carry"
                            + " no message data, and a kmsKey setting encrypts the topic with that key"));
        }
        io.github.cdklabs.cdknag.NagSuppressions.addResourceSuppressions(service, accepted, true);
    }

    /** On the role of a stream consumer only: its one statement on {@code *}. */
    static void streamConsumer(IConstruct role) {
        io.github.cdklabs.cdknag.NagSuppressions.addResourceSuppressions(
                role,
                List.of(NagPackSuppression.builder()
                        .id("AwsSolutions-IAM5")
                        .reason("dynamodb:ListStreams takes no resource; the stream event source needs it")
                        .appliesTo(List.of("Resource::*"))
                        .build()),
                true);
    }

    /** On the push function's role only: its invoke grant on the functions named by the naming rule. */
    static void consumerInvocations(IConstruct role, String prefix) {
        io.github.cdklabs.cdknag.NagSuppressions.addResourceSuppressions(
                role,
                List.of(NagPackSuppression.builder()
                        .id("AwsSolutions-IAM5")
                        .reason("Push delivery invokes the consumers' functions, which are made after the stack:"
                                + " the grant covers only names starting with " + prefix)
                        .appliesTo(List.of(RegexAppliesTo.builder()
                                .regex("/^Resource::arn:<AWS::Partition>:lambda:.*:function:"
                                        + prefix // letters, digits, _ and -: nothing a regex reads specially
                                        + "\\*(:\\*)?$/")
                                .build()))
                        .build()),
                true);
    }

    private static NagPackSuppression suppress(String id, String reason) {
        return NagPackSuppression.builder().id(id).reason(reason).build();
    }
}
