package dev.mq.local;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.util.logging.Logger;

/**
 * The Lambda context a handler gets locally: its request id, and a deadline of API Gateway's 29-second
 * integration timeout, the budget a handler has behind the gateway in AWS. Its logger writes to
 * java.util.logging.
 */
public final class LocalLambdaContext implements Context {
    static final long TIMEOUT_MILLIS = 29_000;
    private static final Logger LOG = Logger.getLogger("dev.mq.local.function");
    private static final LambdaLogger LAMBDA_LOGGER = new LambdaLogger() {
        @Override
        public void log(String message) {
            LOG.info(message);
        }

        @Override
        public void log(byte[] message) {
            LOG.info(new String(message, StandardCharsets.UTF_8));
        }
    };

    private final String requestId;
    private final String functionName;
    private final long deadlineMillis;

    LocalLambdaContext(String requestId, String functionName) {
        this(requestId, functionName, TIMEOUT_MILLIS);
    }

    /** A context whose invocation may take {@code timeoutMillis} from now. */
    public LocalLambdaContext(String requestId, String functionName, long timeoutMillis) {
        this.requestId = requestId;
        this.functionName = functionName;
        this.deadlineMillis = System.currentTimeMillis() + timeoutMillis;
    }

    @Override
    public String getAwsRequestId() {
        return requestId;
    }

    @Override
    public String getLogGroupName() {
        return "/local/" + functionName;
    }

    @Override
    public String getLogStreamName() {
        return "local";
    }

    @Override
    public String getFunctionName() {
        return functionName;
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:us-east-1:000000000000:function:" + functionName;
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
        return (int) Math.max(0, deadlineMillis - System.currentTimeMillis());
    }

    @Override
    public int getMemoryLimitInMB() {
        return (int) (Runtime.getRuntime().maxMemory() / (1024 * 1024));
    }

    @Override
    public LambdaLogger getLogger() {
        return LAMBDA_LOGGER;
    }
}
