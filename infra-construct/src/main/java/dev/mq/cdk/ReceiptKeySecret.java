package dev.mq.cdk;

import java.util.List;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.constructs.Construct;

/**
 * The secret that holds the key receipt handles are signed with, and the only ways the functions see it:
 * its ARN in their environment ({@code FunctionRuntime.RECEIPT_KEY_SECRET_ENV}), and a grant to read its value. Each function reads the value once, at
 * init, before its SnapStart snapshot ({@code ReceiptKeySource}), so the key is never in a function's
 * configuration (the console, {@code GetFunctionConfiguration}) nor in the template.
 */
public final class ReceiptKeySecret {
    /** The one action a function needs on the secret: not DescribeSecret, not the secret's other versions' metadata. */
    public static final String READ_ACTION = "secretsmanager:GetSecretValue";

    private ReceiptKeySecret() {}

    /**
     * The secret, generated once: rotating it would void every handle in flight. 44 letters and digits are
     * valid base64 of 33 bytes.
     */
    public static Secret create(Construct scope, String id, String secretName, RemovalPolicy removalPolicy) {
        return Secret.Builder.create(scope, id)
                .secretName(secretName)
                .description("HMAC key that signs receipt handles")
                .generateSecretString(SecretStringGenerator.builder()
                        .passwordLength(44)
                        .excludePunctuation(true)
                        .includeSpace(false)
                        .build())
                .removalPolicy(removalPolicy)
                .build();
    }

    /**
     * Lets {@code function} read the secret's value, and nothing else of it. A secret encrypted with a
     * customer-managed KMS key also needs kms:Decrypt on that key (Secrets Manager decrypts on the caller's
     * behalf); with the AWS-managed key, the default, it needs nothing more.
     */
    public static void grantRead(ISecret secret, IGrantable function) {
        function.getGrantPrincipal()
                .addToPrincipalPolicy(PolicyStatement.Builder.create()
                        .actions(List.of(READ_ACTION))
                        .resources(List.of(secret.getSecretArn()))
                        .build());
        if (secret.getEncryptionKey() != null) {
            secret.getEncryptionKey().grantDecrypt(function);
        }
    }
}
