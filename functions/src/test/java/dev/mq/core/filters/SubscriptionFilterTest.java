package dev.mq.core.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mq.model.ErrorCode;
import dev.mq.model.Json;
import dev.mq.model.QueueException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The SNS filter-policy syntax on event-ruler: what matches, and what is refused with which message. */
class SubscriptionFilterTest {

    private static Map<String, String> attributes(String spec) {
        Map<String, String> map = new HashMap<>();
        if (spec != null && !spec.isBlank()) {
            for (String pair : spec.split(";")) {
                String[] kv = pair.split("=", 2);
                map.put(kv[0].trim(), kv[1]);
            }
        }
        return map;
    }

    private static boolean matchesAttributes(String filter, String attributes) {
        return SubscriptionFilter.compile(Json.parseObject(filter), FilterScope.ATTRIBUTES)
                .matches(new FilterInput("any body", attributes(attributes)));
    }

    private static boolean matchesBody(String filter, String body) {
        return SubscriptionFilter.compile(Json.parseObject(filter), FilterScope.BODY)
                .matches(new FilterInput(body, Map.of()));
    }

    /** filter | attributes (name=value;...) | matches */
    @ParameterizedTest(name = "{0} on [{1}] -> {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                // exact values: any listed value may match; case matters
                "{\"type\": [\"order\", \"refund\"]}            | type=order            | true",
                "{\"type\": [\"order\", \"refund\"]}            | type=refund           | true",
                "{\"type\": [\"order\"]}                        | type=Order            | false",
                "{\"type\": [\"order\"]}                        |                       | false",
                // every named attribute must match
                "{\"type\": [\"order\"], \"region\": [\"eu\"]}  | type=order;region=eu  | true",
                "{\"type\": [\"order\"], \"region\": [\"eu\"]}  | type=order;region=us  | false",
                "{\"type\": [\"order\"], \"region\": [\"eu\"]}  | type=order            | false",
                // prefix and suffix
                "{\"region\": [{\"prefix\": \"eu-\"}]}          | region=eu-west-1      | true",
                "{\"region\": [{\"prefix\": \"eu-\"}]}          | region=us-east-1      | false",
                "{\"region\": [{\"prefix\": \"eu-\"}]}          | region=EU-west-1      | false",
                "{\"region\": [{\"prefix\": \"eu-\"}]}          |                       | false",
                "{\"file\": [{\"suffix\": \".png\"}]}           | file=cat.png          | true",
                "{\"file\": [{\"suffix\": \".png\"}]}           | file=cat.PNG          | false",
                "{\"file\": [{\"suffix\": \".png\"}]}           | file=png.jpg          | false",
                "{\"file\": [{\"suffix\": \".png\"}]}           |                       | false",
                // equals-ignore-case
                "{\"level\": [{\"equals-ignore-case\": \"Error\"}]} | level=ERROR       | true",
                "{\"level\": [{\"equals-ignore-case\": \"Error\"}]} | level=error       | true",
                "{\"level\": [{\"equals-ignore-case\": \"Error\"}]} | level=errors      | false",
                // exists
                "{\"vip\": [{\"exists\": true}]}                | vip=                  | true",
                "{\"vip\": [{\"exists\": true}]}                | other=x               | false",
                "{\"vip\": [{\"exists\": false}]}               | other=x               | true",
                "{\"vip\": [{\"exists\": false}]}               | vip=yes               | false",
                "{\"vip\": [{\"exists\": false}]}               | vip=                  | false",
                // anything-but: a missing attribute does not match
                "{\"tier\": [{\"anything-but\": [\"free\"]}]}   | tier=gold             | true",
                "{\"tier\": [{\"anything-but\": [\"free\"]}]}   | tier=free             | false",
                "{\"tier\": [{\"anything-but\": [\"free\"]}]}   |                       | false",
                "{\"tier\": [{\"anything-but\": \"free\"}]}     | tier=basic            | true",
                "{\"tier\": [{\"anything-but\": [\"5\"]}]}      | tier=5                | false",
                "{\"tier\": [{\"anything-but\": [\"5\"]}]}      | tier=5.0              | true",
                "{\"tier\": [{\"anything-but\": {\"prefix\": \"fr\"}}]} | tier=free     | false",
                "{\"tier\": [{\"anything-but\": {\"prefix\": \"fr\"}}]} | tier=gold     | true",
                "{\"tier\": [{\"anything-but\": {\"prefix\": \"fr\"}}]} |               | false",
                "{\"file\": [{\"anything-but\": {\"suffix\": \".exe\"}}]} | file=a.exe  | false",
                "{\"file\": [{\"anything-but\": {\"suffix\": \".exe\"}}]} | file=a.txt  | true",
                // anything-but numbers: numbers other than those; never a value that is not a number
                "{\"n\": [{\"anything-but\": [5, 6]}]}          | n=7                   | true",
                "{\"n\": [{\"anything-but\": [5, 6]}]}          | n=5.0                 | false",
                "{\"n\": [{\"anything-but\": 5}]}               | n=5                   | false",
                "{\"n\": [{\"anything-but\": 5}]}               | n=five                | false",
                "{\"n\": [{\"anything-but\": 5}]}               |                       | false",
                // numeric ranges: only decimal numbers match
                "{\"price\": [{\"numeric\": [\">=\", 10, \"<\", 100]}]} | price=10      | true",
                "{\"price\": [{\"numeric\": [\">=\", 10, \"<\", 100]}]} | price=99.99   | true",
                "{\"price\": [{\"numeric\": [\">=\", 10, \"<\", 100]}]} | price=100     | false",
                "{\"price\": [{\"numeric\": [\">=\", 10, \"<\", 100]}]} | price=9.5     | false",
                "{\"price\": [{\"numeric\": [\">=\", 10, \"<\", 100]}]} | price=1e1     | true",
                "{\"price\": [{\"numeric\": [\">=\", 10, \"<\", 100]}]} | price= 50    | true",
                "{\"price\": [{\"numeric\": [\">=\", 10, \"<\", 100]}]} | price=ten     | false",
                "{\"price\": [{\"numeric\": [\">=\", 10, \"<\", 100]}]} | price=NaN     | false",
                "{\"price\": [{\"numeric\": [\">=\", 10, \"<\", 100]}]} | price=Infinity | false",
                "{\"price\": [{\"numeric\": [\">=\", 10, \"<\", 100]}]} | price=        | false",
                "{\"price\": [{\"numeric\": [\">=\", 10, \"<\", 100]}]} |               | false",
                "{\"price\": [{\"numeric\": [\"<\", 100, \">=\", 10]}]} | price=50      | true",
                "{\"price\": [{\"numeric\": [\"<\", 100, \">=\", 10]}]} | price=5       | false",
                "{\"price\": [{\"numeric\": [\">\", 0, \"<=\", 5]}]}    | price=0       | false",
                "{\"price\": [{\"numeric\": [\">\", 0, \"<=\", 5]}]}    | price=5       | true",
                "{\"price\": [{\"numeric\": [\"=\", 5]}]}        | price=5.0             | true",
                "{\"price\": [{\"numeric\": [\"<=\", 5]}]}       | price=-3              | true",
                "{\"price\": [{\"numeric\": [\">\", -1]}]}       | price=-0.5            | true",
                "{\"price\": [{\"numeric\": [\">\", 1000000000]}]} | price=1e12          | true",
                // a bare number matches values that read as that number; a quoted one only that text
                "{\"price\": [100]}                             | price=100.00          | true",
                "{\"price\": [100]}                             | price=100             | true",
                "{\"price\": [100]}                             | price=one hundred     | false",
                "{\"n\": [5]}                                   | n=5                   | true",
                "{\"n\": [\"5\"]}                               | n=5                   | true",
                "{\"n\": [\"5\"]}                               | n=5.0                 | false",
                "{\"n\": [{\"prefix\": \"5\"}]}                 | n=55                  | true",
                // cidr (and an address written out matches that address)
                "{\"ip\": [{\"cidr\": \"10.0.0.0/24\"}]}        | ip=10.0.0.33          | true",
                "{\"ip\": [{\"cidr\": \"10.0.0.0/24\"}]}        | ip=10.0.1.1           | false",
                "{\"ip\": [{\"cidr\": \"10.0.0.0/24\"}]}        | ip=not an address     | false",
                "{\"ip\": [{\"cidr\": \"2001:db8::/32\"}]}      | ip=2001:db8::1        | true",
                "{\"ip\": [{\"cidr\": \"2001:db8::/32\"}]}      | ip=2001:db9::1        | false",
                // several kinds in one list, strings and numbers mixed: any may match
                "{\"type\": [\"order\", {\"prefix\": \"ref\"}, {\"exists\": false}]} | type=refund | true",
                "{\"type\": [\"order\", {\"prefix\": \"ref\"}, {\"exists\": false}]} |             | true",
                "{\"type\": [\"order\", {\"prefix\": \"ref\"}, {\"exists\": false}]} | type=other  | false",
                "{\"p\": [\"free\", {\"numeric\": [\">\", 10]}]}       | p=free                | true",
                "{\"p\": [\"free\", {\"numeric\": [\">\", 10]}]}       | p=11                  | true",
                "{\"p\": [\"free\", {\"numeric\": [\">\", 10]}]}       | p=9                   | false",
                "{\"p\": [{\"exists\": false}, {\"numeric\": [\">\", 10]}], \"q\": [\"x\", 1]} | q=1 | true",
                "{\"p\": [{\"exists\": false}, {\"numeric\": [\">\", 10]}], \"q\": [\"x\", 1]} | p=ten;q=x | false",
                "{\"p\": [{\"exists\": false}, {\"numeric\": [\">\", 10]}], \"q\": [\"x\", 1]} | p=12;q=x | true",
                // $or: either side may match, and keys beside it must match too
                "{\"$or\": [{\"type\": [\"order\"]}, {\"price\": [{\"numeric\": [\">\", 100]}]}]} | type=order | true",
                "{\"$or\": [{\"type\": [\"order\"]}, {\"price\": [{\"numeric\": [\">\", 100]}]}]} | price=500 | true",
                "{\"$or\": [{\"type\": [\"order\"]}, {\"price\": [{\"numeric\": [\">\", 100]}]}]} | type=refund;price=5 | false",
                "{\"region\": [\"eu\"], \"$or\": [{\"type\": [\"a\"]}, {\"type\": [\"b\"]}]} | region=eu;type=b | true",
                "{\"region\": [\"eu\"], \"$or\": [{\"type\": [\"a\"]}, {\"type\": [\"b\"]}]} | region=us;type=b | false",
                // names that look like paths or like the views are plain names
                "{\"a.b\": [\"x\"]}                             | a.b=x                 | true",
                "{\"s\": [\"x\"], \"n\": [1]}                   | s=x;n=1               | true",
                // an empty filter matches everything
                "{}                                             | type=anything         | true",
            })
    void filter_matchesAttributesAsSnsDoes(String filter, String attributes, boolean expected) {
        assertThat(matchesAttributes(filter, attributes)).isEqualTo(expected);
    }

    /** filter | body | matches */
    @ParameterizedTest(name = "{0} on {1} -> {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"type\": [\"order\"]}                        | {\"type\": \"order\"}            | true",
                "{\"type\": [\"order\"]}                        | {\"type\": \"refund\"}           | false",
                "{\"type\": [\"order\"]}                        | not json                         | false",
                "{\"type\": [{\"exists\": false}]}              | not json                         | false",
                "{\"type\": [{\"exists\": false}]}              | [\"a JSON array\"]               | false",
                "{\"type\": [{\"exists\": false}]}              | {\"other\": 1}                   | true",
                "{\"order\": {\"total\": [{\"numeric\": [\">\", 100]}]}} | {\"order\": {\"total\": 250}}   | true",
                "{\"order\": {\"total\": [{\"numeric\": [\">\", 100]}]}} | {\"order\": {\"total\": 50}}    | false",
                "{\"order\": {\"total\": [{\"numeric\": [\">\", 100]}]}} | {\"order\": {\"total\": \"250\"}} | false",
                "{\"order\": {\"total\": [250]}}                | {\"order\": {\"total\": 250.0}}  | true",
                "{\"order\": {\"vip\": [true]}}                 | {\"order\": {\"vip\": true}}     | true",
                "{\"order\": {\"vip\": [true]}}                 | {\"order\": {\"vip\": \"true\"}} | false",
                "{\"tags\": [\"red\"]}                          | {\"tags\": [\"blue\", \"red\"]}  | true",
                "{\"$or\": [{\"a\": [\"x\"]}, {\"b\": {\"c\": [\"y\"]}}]} | {\"b\": {\"c\": \"y\"}}    | true",
                "{\"$or\": [{\"a\": [\"x\"]}, {\"b\": {\"c\": [\"y\"]}}]} | {\"b\": {\"c\": \"z\"}}    | false",
                "{\"price\": [{\"numeric\": [\"<\", 100, \">=\", 10]}]} | {\"price\": 50}       | true",
            })
    void bodyScopedFilter_matchesTheJsonBody(String filter, String body, boolean expected) {
        assertThat(matchesBody(filter, body)).isEqualTo(expected);
    }

    @Test
    void attributeScopedFilter_ignoresTheBody_andBodyScopedFilter_ignoresTheAttributes() {
        FilterInput message = new FilterInput("{\"type\": \"order\"}", Map.of("type", "refund"));

        assertThat(SubscriptionFilter.compile(Json.parseObject("{\"type\": [\"order\"]}"), FilterScope.ATTRIBUTES)
                        .matches(message))
                .isFalse();
        assertThat(SubscriptionFilter.compile(Json.parseObject("{\"type\": [\"order\"]}"), FilterScope.BODY)
                        .matches(message))
                .isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"type\": \"order\"}                               | filter.type must be a non-empty list",
                "{\"type\": []}                                      | filter.type must be a non-empty list",
                "{\"type\": [true]}                                  | filter.type[0]: attribute values are strings",
                "{\"type\": [null]}                                  | filter.type[0]: attribute values are strings",
                "{\"type\": [[\"a\"]]}                               | filter.type[0]: a condition is a string",
                "{\"type\": [{\"prefix\": \"a\", \"exists\": true}]} | filter.type[0]: a condition is a string",
                "{\"type\": [{\"wildcard\": \"a*\"}]}                | unknown condition 'wildcard'",
                "{\"type\": [{\"sufix\": \"a\"}]}                    | unknown condition 'sufix'",
                "{\"type\": [{\"prefix\": 5}]}                       | prefix takes a non-empty string",
                "{\"type\": [{\"prefix\": \"\"}]}                    | prefix takes a non-empty string",
                "{\"type\": [{\"prefix\": {\"equals-ignore-case\": \"a\"}}]} | prefix takes a non-empty string",
                "{\"type\": [{\"suffix\": [\"a\"]}]}                 | suffix takes a non-empty string",
                "{\"type\": [{\"equals-ignore-case\": 1}]}           | equals-ignore-case takes a string",
                "{\"type\": [{\"exists\": \"yes\"}]}                 | exists takes true or false",
                "{\"type\": [{\"anything-but\": []}]}                | anything-but takes a string",
                "{\"type\": [{\"anything-but\": [\"a\", 1]}]}        | anything-but takes a string",
                "{\"type\": [{\"anything-but\": {\"wildcard\": \"a\"}}]} | anything-but takes a string",
                "{\"type\": [{\"anything-but\": {\"prefix\": 1}}]}   | anything-but prefix takes a non-empty string",
                "{\"p\": [{\"numeric\": [\">\"]}]}                   | numeric takes one or two",
                "{\"p\": [{\"numeric\": [\"~\", 1]}]}                | numeric takes one or two",
                "{\"p\": [{\"numeric\": [\">\", \"1\"]}]}            | numeric takes one or two",
                "{\"p\": [{\"numeric\": 5}]}                         | numeric takes one or two",
                "{\"p\": [{\"numeric\": [\">\", 1, \">=\", 2]}]}     | one lower",
                "{\"p\": [{\"numeric\": [\"=\", 1, \"<\", 2]}]}      | one lower",
                "{\"p\": [{\"numeric\": [\">\", 5, \"<\", 2]}]}      | lower bound must be below its upper bound",
                "{\"p\": [{\"numeric\": [\">\", 1e10]}]}             | filter.p[0]: numbers in a filter range from -1000000000",
                "{\"p\": [-2000000000]}                              | numbers in a filter range from -1000000000",
                "{\"ip\": [{\"cidr\": \"10.0.0.0/33\"}]}             | filter.ip[0]: cidr takes an IPv4 or IPv6 address range",
                "{\"ip\": [{\"cidr\": \"not-an-ip/8\"}]}             | cidr takes an IPv4 or IPv6 address range",
                "{\"ip\": [{\"cidr\": 10}]}                          | cidr takes an IPv4 or IPv6 address range",
                "{\"a\": {\"b\": [\"x\"]}}                           | filter.a: message attributes are flat",
                "{\"$or\": [{\"a\": [\"x\"]}]}                       | filter.$or takes a list of two or more",
                "{\"$or\": {\"a\": [\"x\"]}}                         | filter.$or takes a list of two or more",
                "{\"$or\": [{\"a\": [\"x\"]}, {}]}                   | filter.$or[1] must be a non-empty filter object",
                "{\"$or\": [{\"a\": [\"x\"]}, {\"b\": [{\"exists\": 1}]}]} | filter.$or[1].b[0]: exists takes true or false",
                "{\"a\": [\"x\"], \"$or\": [{\"a\": [\"y\"]}, {\"b\": [\"z\"]}]} | a is named twice on one path through $or",
            })
    void badFilter_isInvalidRequest_sayingWhere(String filter, String message) {
        assertThatThrownBy(() -> SubscriptionFilter.compile(Json.parseObject(filter), FilterScope.ATTRIBUTES))
                .isInstanceOfSatisfying(QueueException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
                    assertThat(e.getMessage()).contains(message.trim());
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"[\"x\"]", "\"x\""})
    void aFilterThatIsNoObject_isRefused(String filter) throws Exception {
        assertThatThrownBy(() -> SubscriptionFilter.compile(Json.MAPPER.readTree(filter), FilterScope.ATTRIBUTES))
                .hasMessageContaining("filter must be an object");
    }

    @Test
    void bodyScope_takesNestedKeysAndJsonLiterals_butNotEmptyObjects() {
        SubscriptionFilter.compile(
                Json.parseObject("{\"a\": {\"b\": {\"c\": [true, null, 1, \"x\"]}}}"), FilterScope.BODY);

        assertThatThrownBy(() -> SubscriptionFilter.compile(Json.parseObject("{\"a\": {}}"), FilterScope.BODY))
                .hasMessageContaining("filter.a must not be an empty object");
    }

    @Test
    void aFilter_namesAtMostFiveKeys_countingTopLevelKeysOnlyForTheBody() {
        String six = "{\"a\": [\"x\"], \"b\": [\"x\"], \"c\": [\"x\"], \"d\": [\"x\"], \"e\": [\"x\"], \"f\": [\"x\"]}";
        String sixInOr = "{\"a\": [\"x\"], \"b\": [\"x\"], \"c\": [\"x\"], \"$or\": [{\"d\": [\"x\"]}, {\"e\": [\"x\"],"
                + " \"f\": [\"x\"]}]}";
        String fiveOnTop = "{\"a\": {\"a1\": [\"x\"], \"a2\": [\"x\"], \"a3\": [\"x\"]}, \"b\": {\"b1\": [\"x\"],"
                + " \"b2\": [\"x\"]}, \"c\": [\"x\"], \"d\": [\"x\"], \"e\": [\"x\"]}";

        for (FilterScope scope : FilterScope.values()) {
            assertThatThrownBy(() -> SubscriptionFilter.compile(Json.parseObject(six), scope))
                    .hasMessageContaining("at most 5 keys");
            assertThatThrownBy(() -> SubscriptionFilter.compile(Json.parseObject(sixInOr), scope))
                    .hasMessageContaining("at most 5 keys");
        }
        SubscriptionFilter.compile(Json.parseObject(fiveOnTop), FilterScope.BODY);
    }

    @Test
    void aFilter_hasAtMost150Combinations_theProductOfItsListsSummedOverOr() {
        String ten = "[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\",\"10\"]";
        String fifteen =
                "[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\",\"10\",\"11\",\"12\",\"13\",\"14\",\"15\"]";
        String sixteen = fifteen.replace("]", ",\"16\"]");

        SubscriptionFilter.compile(
                Json.parseObject("{\"a\": " + ten + ", \"b\": " + fifteen + "}"), FilterScope.ATTRIBUTES);
        assertThatThrownBy(() -> SubscriptionFilter.compile(
                        Json.parseObject("{\"a\": " + ten + ", \"b\": " + sixteen + "}"), FilterScope.ATTRIBUTES))
                .hasMessageContaining("at most 150 combinations")
                .hasMessageContaining("has 160");
        assertThatThrownBy(() -> SubscriptionFilter.compile(
                        Json.parseObject("{\"$or\": [{\"a\": " + ten + ", \"b\": " + ten + "}, {\"c\": " + ten
                                + ", \"d\": " + ten + "}]}"),
                        FilterScope.ATTRIBUTES))
                .hasMessageContaining("has 200");
    }

    @Test
    void manyNestedOrs_areRefusedBeforeTheirAlternativesAreBuilt() {
        String or =
                "{\"$or\": [{\"a\": [\"1\"]}, {\"a\": [\"2\"]}, {\"a\": [\"3\"]}, {\"a\": [\"4\"]}, {\"a\": [\"5\"]},"
                        + " {\"a\": [\"6\"]}]}";
        String nested = "{\"x\": " + or + ", \"y\": " + or + ", \"z\": " + or + "}";

        assertThatThrownBy(() -> SubscriptionFilter.compile(Json.parseObject(nested), FilterScope.BODY))
                .hasMessageContaining("at most 150 combinations");
    }

    @Test
    void aStoredFilter_isCompiledWithoutTheLimits_soAnOlderSubscriptionKeepsWorking() {
        String six = "{\"a\": [\"x\"], \"b\": [\"x\"], \"c\": [\"x\"], \"d\": [\"x\"], \"e\": [\"x\"], \"f\": [\"x\"]}";

        SubscriptionFilter stored = SubscriptionFilter.compileStored(six, FilterScope.ATTRIBUTES);

        assertThat(stored.matches(
                        new FilterInput("", Map.of("a", "x", "b", "x", "c", "x", "d", "x", "e", "x", "f", "x"))))
                .isTrue();
        assertThat(stored.compiledFrom(six, FilterScope.ATTRIBUTES)).isTrue();
        assertThat(stored.compiledFrom(six, FilterScope.BODY)).isFalse();
    }

    @Test
    void filterCache_compilesOncePerSubscription_andAgainWhenItsFilterChanged() {
        FilterCache cache = new FilterCache();
        String first = "{\"type\": [\"a\"]}";

        SubscriptionFilter compiled = cache.compiled("t/s", first, FilterScope.ATTRIBUTES);
        assertThat(cache.compiled("t/s", first, FilterScope.ATTRIBUTES)).isSameAs(compiled);
        SubscriptionFilter changed = cache.compiled("t/s", "{\"type\": [\"b\"]}", FilterScope.ATTRIBUTES);
        assertThat(changed).isNotSameAs(compiled);
        assertThat(changed.matches(new FilterInput("", Map.of("type", "b")))).isTrue();
        assertThat(cache.compiled("t/s", "{\"type\": [\"b\"]}", FilterScope.BODY))
                .isNotSameAs(changed);
    }

    @Test
    void filterScope_readsItsTwoWireNames_andRefusesOthers() {
        assertThat(FilterScope.fromWire(null)).isEqualTo(FilterScope.ATTRIBUTES);
        assertThat(FilterScope.fromWire("attributes")).isEqualTo(FilterScope.ATTRIBUTES);
        assertThat(FilterScope.fromWire("body")).isEqualTo(FilterScope.BODY);
        assertThatThrownBy(() -> FilterScope.fromWire("MessageBody"))
                .hasMessageContaining("filterScope must be \"attributes\" or \"body\"");
    }
}
