package dev.mq.delivery;

import dev.mq.core.Consumer;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/**
 * Invokes a function consumer synchronously ({@code RequestResponse}), as Lambda's SQS event source
 * mapping does. The function's return value is the batch response; a {@code FunctionError} (the handler
 * threw, timed out or ran out of memory), a failed call (throttled, no permission, no such function) or a
 * status other than 200 fails the whole batch.
 */
public final class LambdaInvoker implements PushInvoker {
    private final LambdaClient lambda;

    public LambdaInvoker(LambdaClient lambda) {
        this.lambda = lambda;
    }

    @Override
    public Result invoke(Consumer consumer, byte[] event) {
        InvokeResponse response;
        try {
            response = lambda.invoke(r -> r.functionName(consumer.functionArn())
                    .invocationType(InvocationType.REQUEST_RESPONSE)
                    .payload(SdkBytes.fromByteArray(event)));
        } catch (RuntimeException e) {
            return new Result.Failed("invoke failed: " + e.getClass().getSimpleName());
        }
        return result(response);
    }

    /** What an invocation's response means for the batch. */
    static Result result(InvokeResponse response) {
        if (response.functionError() != null) {
            return new Result.Failed("function error: " + response.functionError());
        }
        Integer status = response.statusCode();
        if (status == null || status != 200) {
            return new Result.Failed("invoke status " + status);
        }
        return new Result.Answered(
                response.payload() == null ? new byte[0] : response.payload().asByteArray());
    }
}
