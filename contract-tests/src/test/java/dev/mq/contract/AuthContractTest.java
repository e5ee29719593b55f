package dev.mq.contract;

import static dev.mq.contract.ContractClient.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mq.local.LocalServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Credentials where auth is on. Against a deployment this runs when it enforces them (a token, or SigV4
 * on API Gateway); locally it starts a second local server with a token of its own, since the shared
 * one runs without auth.
 */
@ExtendWith(TargetAvailable.class)
class AuthContractTest {
    private static final String LOCAL_TOKEN = "contract-suite-token";

    private static LocalServer ownServer;
    private static ContractClient client;
    private static String token;
    private static boolean enforced;

    @BeforeAll
    static void target() {
        Target target = Target.get();
        if (target.local()) {
            try {
                ownServer = LocalServer.start(new LocalServer.Options(0, null, "127.0.0.1", LOCAL_TOKEN));
            } catch (Exception e) {
                throw new IllegalStateException("a local server with a token did not start", e);
            }
            token = LOCAL_TOKEN;
            enforced = true;
            client = new ContractClient(ownServer.baseUrl().toString(), token);
        } else {
            token = target.token();
            enforced = target.authEnforced();
            client = ContractClient.shared();
        }
    }

    @AfterAll
    static void stopOwnServer() {
        if (ownServer != null) {
            ownServer.close();
        }
    }

    @Test
    void request_withoutCredentials_is401Unauthorized() {
        assumeTrue(enforced, "auth is not enforced by this target (no mq.token or mq.auth)");

        client.exchange("GET", "/v1/queues?limit=1", null, null).expectError(401, "Unauthorized");
        client.exchange("PUT", "/v1/queues/" + ContractTestSupport.uniqueName("auth"), obj(), null)
                .expectError(401, "Unauthorized");
    }

    @Test
    void request_withBadCredentials_is401UnauthorizedOr403Forbidden() {
        assumeTrue(enforced, "auth is not enforced by this target (no mq.token or mq.auth)");

        ContractClient.Reply reply = client.exchange("GET", "/v1/queues?limit=1", null, token + "-wrong");

        assertThat(reply.status()).as(reply.describe()).isIn(401, 403);
        reply.expectError(reply.status(), reply.status() == 401 ? "Unauthorized" : "Forbidden");
    }

    @Test
    void request_withTheToken_isServed() {
        assumeTrue(enforced, "auth is not enforced by this target (no mq.token or mq.auth)");
        String queue = ContractTestSupport.uniqueName("auth");

        client.put("/v1/queues/" + queue, obj()).expectStatus(201);
        JsonNode answer = client.get("/v1/queues/" + queue).expectStatus(200).json();
        client.delete("/v1/queues/" + queue).expectStatus(204);

        assertThat(answer.path("name").asText()).isEqualTo(queue);
    }
}
