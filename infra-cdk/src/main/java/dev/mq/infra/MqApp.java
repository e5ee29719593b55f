package dev.mq.infra;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;

/** The CDK app: {@code npx cdk deploy} in this folder deploys one {@link MqStack}, checked by cdk-nag. */
public final class MqApp {
    private MqApp() {}

    public static void main(String[] args) {
        App app = new App();
        build(app);
        app.synth();
    }

    /** The stack, with the AwsSolutions rules applied; a finding that is not suppressed fails the synth. */
    public static MqStack build(App app) {
        StackSettings settings = StackSettings.from(app.getNode());
        MqStack stack = new MqStack(
                app,
                settings.stackName(),
                StackProps.builder()
                        .description(
                                "mq: a serverless message queue (queues and topics on Lambda, API Gateway, DynamoDB)")
                        .env(Environment.builder()
                                .account(System.getenv("CDK_DEFAULT_ACCOUNT"))
                                .region(System.getenv("CDK_DEFAULT_REGION"))
                                .build())
                        .build(),
                settings);
        Aspects.of(app).add(AwsSolutionsChecks.Builder.create().verbose(true).build());
        return stack;
    }
}
