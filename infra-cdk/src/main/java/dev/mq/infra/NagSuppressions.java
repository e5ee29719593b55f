package dev.mq.infra;

import io.github.cdklabs.cdknag.NagPackSuppression;
import java.util.List;
import software.amazon.awscdk.Stack;
import software.constructs.IConstruct;

/** The AwsSolutions findings this stack accepts, each with its reason. Anything else fails the synth. */
final class NagSuppressions {
    private NagSuppressions() {}

    static void apply(Stack stack) {
        io.github.cdklabs.cdknag.NagSuppressions.addStackSuppressions(
                stack,
                List.of(
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
                                "Execution logs could record message bodies; access logs record"
                                        + " every request without them"),
                        suppress(
                                "AwsSolutions-COG4", "Callers sign with SigV4 (IAM authorization), not Cognito tokens"),
                        suppress(
                                "AwsSolutions-SMG4",
                                "Rotating the receipt-handle key would void every lease in flight;"
                                        + " it is rotated by replacing the secret at a quiet moment"),
                        suppress(
                                "AwsSolutions-SQS3",
                                "This queue is itself the on-failure destination of the streams")));
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

    private static NagPackSuppression suppress(String id, String reason) {
        return NagPackSuppression.builder().id(id).reason(reason).build();
    }
}
