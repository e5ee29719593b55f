package dev.mq.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FilterTest {

    private static Map<String, String> attributes(String spec) {
        Map<String, String> map = new HashMap<>();
        if (!spec.isBlank()) {
            for (String pair : spec.split(";")) {
                String[] kv = pair.split("=", 2);
                map.put(kv[0].trim(), kv[1]);
            }
        }
        return map;
    }

    /** filter | attributes (name=value;...) | matches */
    @ParameterizedTest(name = "{0} on [{1}] -> {2}")
    @CsvSource(delimiter = '|', value = {
            // exact values: any listed value may match
            "{\"type\": [\"order\", \"refund\"]}            | type=order            | true",
            "{\"type\": [\"order\", \"refund\"]}            | type=refund           | true",
            "{\"type\": [\"order\"]}                        | type=Order            | false",
            "{\"type\": [\"order\"]}                        |                       | false",
            // every named attribute must match
            "{\"type\": [\"order\"], \"region\": [\"eu\"]}  | type=order;region=eu  | true",
            "{\"type\": [\"order\"], \"region\": [\"eu\"]}  | type=order;region=us  | false",
            "{\"type\": [\"order\"], \"region\": [\"eu\"]}  | type=order            | false",
            // prefix
            "{\"region\": [{\"prefix\": \"eu-\"}]}          | region=eu-west-1      | true",
            "{\"region\": [{\"prefix\": \"eu-\"}]}          | region=us-east-1      | false",
            "{\"region\": [{\"prefix\": \"eu-\"}]}          |                       | false",
            // exists
            "{\"vip\": [{\"exists\": true}]}                | vip=                  | true",
            "{\"vip\": [{\"exists\": true}]}                | other=x               | false",
            "{\"vip\": [{\"exists\": false}]}               | other=x               | true",
            "{\"vip\": [{\"exists\": false}]}               | vip=yes               | false",
            // anything-but: a missing attribute does not match
            "{\"tier\": [{\"anything-but\": [\"free\"]}]}   | tier=gold             | true",
            "{\"tier\": [{\"anything-but\": [\"free\"]}]}   | tier=free             | false",
            "{\"tier\": [{\"anything-but\": [\"free\"]}]}   |                       | false",
            "{\"tier\": [{\"anything-but\": \"free\"}]}     | tier=basic            | true",
            // numeric ranges: only decimal numbers match
            "{\"price\": [{\"numeric\": [\">=\", 10, \"<\", 100]}]} | price=10      | true",
            "{\"price\": [{\"numeric\": [\">=\", 10, \"<\", 100]}]} | price=99.99   | true",
            "{\"price\": [{\"numeric\": [\">=\", 10, \"<\", 100]}]} | price=100     | false",
            "{\"price\": [{\"numeric\": [\">=\", 10, \"<\", 100]}]} | price=9.5     | false",
            "{\"price\": [{\"numeric\": [\">=\", 10, \"<\", 100]}]} | price=1e1     | true",
            "{\"price\": [{\"numeric\": [\">=\", 10, \"<\", 100]}]} | price=ten     | false",
            "{\"price\": [{\"numeric\": [\">=\", 10, \"<\", 100]}]} | price=NaN     | false",
            "{\"price\": [{\"numeric\": [\">=\", 10, \"<\", 100]}]} | price=        | false",
            "{\"price\": [{\"numeric\": [\">=\", 10, \"<\", 100]}]} |               | false",
            "{\"price\": [{\"numeric\": [\"=\", 5]}]}        | price=5.0             | true",
            "{\"price\": [{\"numeric\": [\">\", -1]}]}       | price=-0.5            | true",
            "{\"price\": [100]}                             | price=100.00          | true",
            "{\"price\": [100]}                             | price=one hundred     | false",
            // several kinds in one list: any may match
            "{\"type\": [\"order\", {\"prefix\": \"ref\"}, {\"exists\": false}]} | type=refund | true",
            "{\"type\": [\"order\", {\"prefix\": \"ref\"}, {\"exists\": false}]} |             | true",
            "{\"type\": [\"order\", {\"prefix\": \"ref\"}, {\"exists\": false}]} | type=other  | false",
            // an empty filter matches everything
            "{}                                             | type=anything         | true",
    })
    void filter_matchesAsSnsDoes(String filter, String attributes, boolean expected) {
        Filter parsed = Filter.parse(Json.parseObject(filter));
        assertThat(parsed.matches(attributes(attributes == null ? "" : attributes))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"type\": \"order\"}                               | must be a non-empty list",
            "{\"type\": []}                                      | must be a non-empty list",
            "{\"type\": [true]}                                  | a condition is a string",
            "{\"type\": [{\"prefix\": \"a\", \"exists\": true}]} | a condition is a string",
            "{\"type\": [{\"suffix\": \"a\"}]}                   | unknown condition 'suffix'",
            "{\"type\": [{\"prefix\": 5}]}                       | prefix takes a non-empty string",
            "{\"type\": [{\"exists\": \"yes\"}]}                 | exists takes true or false",
            "{\"type\": [{\"anything-but\": []}]}                | anything-but takes a string",
            "{\"type\": [{\"anything-but\": [1]}]}               | anything-but takes strings",
            "{\"p\": [{\"numeric\": [\">\"]}]}                   | numeric takes one or two",
            "{\"p\": [{\"numeric\": [\"~\", 1]}]}                | numeric takes one or two",
            "{\"p\": [{\"numeric\": [\">\", \"1\"]}]}            | numeric takes one or two",
            "{\"p\": [{\"numeric\": [\">\", 1, \">=\", 2]}]}     | one lower",
    })
    void badFilter_isInvalidRequest_sayingWhere(String filter, String message) {
        assertThatThrownBy(() -> Filter.parse(Json.parseObject(filter)))
                .isInstanceOfSatisfying(QueueException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
                    assertThat(e.getMessage()).contains(message.trim());
                });
    }

    @org.junit.jupiter.api.Test
    void filter_withTooManyAttributes_isRefused() {
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; i <= Filter.MAX_ATTRIBUTES; i++) {
            json.append(i == 0 ? "" : ",").append("\"a").append(i).append("\": [\"x\"]");
        }
        assertThatThrownBy(() -> Filter.parse(Json.parseObject(json.append("}").toString())))
                .hasMessageContaining("at most " + Filter.MAX_ATTRIBUTES);
    }
}
