package dev.mq.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mq.handlers.Routes;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The route table is the one list of routes; the OpenAPI document describes exactly those, so a route
 * added to one and not the other fails here. (The local server's own {@code GET /openapi.yaml} is no
 * route of the API: deployments do not serve it.)
 */
class RouteTableDocumentTest {
    @Test
    void theDocumentDescribesExactlyTheRoutesOfTheTable() {
        Set<String> routes = new TreeSet<>();
        Routes.ALL.forEach(route -> routes.add(route.method() + " " + route.path()));

        assertThat(ApiDocument.shared().operations()).isEqualTo(routes);
    }
}
