package dev.mq.handlers;

import java.util.Base64;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

/**
 * Where a function's receipt key comes from. Deployed, the environment names only the Secrets Manager
 * secret ({@value FunctionRuntime#RECEIPT_KEY_SECRET_ENV}) and the function reads the value once, at
 * init: before the SnapStart snapshot, so a restored function never calls Secrets Manager, and the key
 * never shows in the function's configuration. Outside AWS (the benchmark's cold-start probes) the
 * environment may carry the key itself ({@value FunctionRuntime#RECEIPT_KEY_ENV}).
 *
 * <p>Every failure is an {@link IllegalStateException} that says which secret or variable is wrong and
 * how, and never quotes the value: the function's init fails with it, and it lands in the log.
 */
public final class ReceiptKeySource {
    /** What {@code ReceiptHandles} needs: an HMAC-SHA256 key shorter than this is refused. */
    static final int MIN_KEY_BYTES = 16;

    private ReceiptKeySource() {}

    /**
     * The key the environment points to: the secret named by {@value FunctionRuntime#RECEIPT_KEY_SECRET_ENV}
     * (read with a client from {@code secrets}, closed after), else the base64 in
     * {@value FunctionRuntime#RECEIPT_KEY_ENV}.
     */
    public static byte[] fromEnvironment(Function<String, String> env, Supplier<SecretsManagerClient> secrets) {
        String secretId = blankToNull(env.apply(FunctionRuntime.RECEIPT_KEY_SECRET_ENV));
        if (secretId != null) {
            try (SecretsManagerClient client = secrets.get()) {
                return fromSecret(client, secretId);
            }
        }
        String key = blankToNull(env.apply(FunctionRuntime.RECEIPT_KEY_ENV));
        if (key != null) {
            return decode(key, "the variable " + FunctionRuntime.RECEIPT_KEY_ENV);
        }
        throw new IllegalStateException("neither " + FunctionRuntime.RECEIPT_KEY_SECRET_ENV + " nor "
                + FunctionRuntime.RECEIPT_KEY_ENV + " is set: receipt handles cannot be signed");
    }

    /** The key held, in base64, as the string value of the secret {@code secretId} (its ARN or name). */
    public static byte[] fromSecret(SecretsManagerClient client, String secretId) {
        GetSecretValueResponse value;
        try {
            value = client.getSecretValue(request -> request.secretId(secretId));
        } catch (ResourceNotFoundException e) {
            throw new IllegalStateException(
                    "the receipt key secret " + secretId + " does not exist (or has no current value)", e);
        } catch (SecretsManagerException e) {
            throw new IllegalStateException(
                    "the receipt key secret " + secretId + " could not be read (" + errorCode(e) + ", HTTP "
                            + e.statusCode() + "): the function's role needs secretsmanager:GetSecretValue on it",
                    e);
        } catch (SdkException e) {
            throw new IllegalStateException("the receipt key secret " + secretId + " could not be read", e);
        }
        if (value.secretString() == null) {
            throw new IllegalStateException("the receipt key secret " + secretId
                    + " has no string value (a binary secret?): it must hold the key in base64");
        }
        return decode(value.secretString(), "the secret " + secretId);
    }

    private static byte[] decode(String base64, String where) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            // the decoder's message quotes a character of the value: leave it out
            throw new IllegalStateException("the receipt key in " + where + " is not base64");
        }
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalStateException("the receipt key in " + where + " holds " + key.length
                    + " bytes; it must hold at least " + MIN_KEY_BYTES);
        }
        return key;
    }

    private static String errorCode(SecretsManagerException e) {
        return e.awsErrorDetails() == null
                ? "no error code"
                : e.awsErrorDetails().errorCode();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
