package dev.mq.contract;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;

/**
 * Skips a contract test class, visibly and with the reason, when this run's target is not available
 * (LocalStack without Docker, its auth token or a deployment). The reason is also printed once on the
 * console, so a run that tested nothing says so.
 */
final class TargetAvailable implements ExecutionCondition {
    private static volatile boolean reported;

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        try {
            Target.get();
            return ConditionEvaluationResult.enabled("the target is available");
        } catch (TestAbortedException unavailable) {
            if (!reported) {
                reported = true;
                System.err.println("[mq contract suite] " + unavailable.getMessage());
            }
            return ConditionEvaluationResult.disabled(unavailable.getMessage());
        }
    }
}
