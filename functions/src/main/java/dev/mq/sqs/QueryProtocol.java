package dev.mq.sqs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mq.sqs.QueryShapes.Action;
import dev.mq.sqs.QueryShapes.ListOf;
import dev.mq.sqs.QueryShapes.MapOf;
import dev.mq.sqs.QueryShapes.Member;
import dev.mq.sqs.QueryShapes.Scalar;
import dev.mq.sqs.QueryShapes.Shape;
import dev.mq.sqs.QueryShapes.Struct;
import java.io.StringWriter;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * SQS's query protocol, which older SDKs (the AWS SDK for Java v1 up to 1.12.583, boto's CLI v1...)
 * speak: a form-encoded body {@code Action=SendMessage&Version=2012-11-05&QueueUrl=...}, translated
 * into the JSON protocol's input by {@link QueryShapes}' per-action tables, and XML answers rendered
 * from the JSON protocol's output by the same tables.
 */
public final class QueryProtocol implements SqsProtocol {
    static final String NAMESPACE = "http://queue.amazonaws.com/doc/2012-11-05/";
    private static final String CONTENT_TYPE = "text/xml";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final XMLOutputFactory XML = XMLOutputFactory.newFactory();

    @Override
    public SqsCall read(String target, String body) {
        NavigableMap<String, String> params = decodeForm(body == null ? "" : body);
        String name = params.get("Action");
        if (name == null || name.isEmpty()) {
            throw refusal("MissingAction", "The request must contain the parameter Action.");
        }
        Action action = QueryShapes.ACTIONS.get(name);
        if (action == null) {
            throw refusal("InvalidAction", "The action " + name + " is not valid for this endpoint.");
        }
        return new SqsCall(name, readStruct(action.input(), params, ""));
    }

    @Override
    public SqsAnswer answer(String action, ObjectNode output, String requestId) {
        Action shapes = QueryShapes.ACTIONS.get(action);
        if (shapes == null) {
            throw new IllegalArgumentException("no query-protocol shape for action " + action);
        }
        return xml(200, requestId, w -> {
            w.writeStartElement(action + "Response");
            w.writeDefaultNamespace(NAMESPACE);
            if (shapes.output() != null) {
                w.writeStartElement(action + "Result");
                writeStruct(w, shapes.output(), output == null ? JSON.objectNode() : output);
                w.writeEndElement();
            }
            w.writeStartElement("ResponseMetadata");
            text(w, "RequestId", String.valueOf(requestId));
            w.writeEndElement();
            w.writeEndElement();
        });
    }

    @Override
    public SqsAnswer error(SqsError error, String requestId) {
        return xml(error.status(), requestId, w -> {
            w.writeStartElement("ErrorResponse");
            w.writeDefaultNamespace(NAMESPACE);
            w.writeStartElement("Error");
            text(w, "Type", error.sender() ? "Sender" : "Receiver");
            text(w, "Code", error.queryCode());
            text(w, "Message", error.message());
            w.writeEmptyElement("Detail");
            w.writeEndElement();
            text(w, "RequestId", String.valueOf(requestId));
            w.writeEndElement();
        });
    }

    // ---- reading: form parameters -> the JSON protocol's input

    /**
     * The form's parameters, sorted by name so that the parameters under one prefix
     * ({@code SendMessageBatchRequestEntry.3.}) are found without scanning all of them: a body of many
     * entries then costs no more than its size.
     */
    private static NavigableMap<String, String> decodeForm(String body) {
        NavigableMap<String, String> params = new TreeMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            params.putIfAbsent(name, value);
        }
        return params;
    }

    private static String decode(String encoded) {
        try {
            return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw refusal("MalformedQueryString", "The request body is not a valid form: " + e.getMessage());
        }
    }

    private static ObjectNode readStruct(Struct struct, NavigableMap<String, String> params, String prefix) {
        ObjectNode node = JSON.objectNode();
        for (Member member : struct.members()) {
            JsonNode value = readValue(member.shape(), params, prefix + member.wire());
            if (value == null && member.alias() != null) {
                value = readValue(member.shape(), params, prefix + member.alias());
            }
            if (value != null) {
                node.set(member.json(), value);
            }
        }
        return node;
    }

    /** The value under one parameter name (or name prefix), null when the request has none. */
    private static JsonNode readValue(Shape shape, NavigableMap<String, String> params, String name) {
        if (shape instanceof Scalar scalar) {
            return readScalar(scalar, params.get(name), name);
        } else if (shape instanceof ListOf list) {
            return readList(list, params, name);
        } else if (shape instanceof MapOf map) {
            return readMap(map, params, name);
        } else {
            return readStruct((Struct) shape, params, name + ".");
        }
    }

    private static JsonNode readScalar(Scalar scalar, String text, String name) {
        if (text == null || scalar == Scalar.TEXT) {
            return text == null ? null : JSON.textNode(text);
        }
        try {
            return JSON.numberNode(Integer.parseInt(text));
        } catch (NumberFormatException e) {
            throw new SqsException(new SqsError(
                    400,
                    "InvalidParameterValue",
                    "InvalidParameterValue",
                    true,
                    "Value " + text + " for parameter " + name + " is invalid. Reason: must be an integer."));
        }
    }

    private static JsonNode readList(ListOf list, NavigableMap<String, String> params, String name) {
        ArrayNode items = JSON.arrayNode();
        // Some clients send a one-element list without an index (AttributeName=All).
        if (list.item() instanceof Scalar scalar && params.containsKey(name)) {
            items.add(readScalar(scalar, params.get(name), name));
        }
        for (int index : indices(params, name)) {
            JsonNode item = readValue(list.item(), params, name + "." + index);
            if (item != null) {
                items.add(item);
            }
        }
        return items.isEmpty() ? null : items;
    }

    private static JsonNode readMap(MapOf map, NavigableMap<String, String> params, String name) {
        ObjectNode entries = JSON.objectNode();
        for (int index : indices(params, name)) {
            String entry = name + "." + index + ".";
            String key = params.get(entry + map.key());
            if (key == null) {
                throw refusal("MissingParameter", "The request must contain the parameter " + entry + map.key() + ".");
            }
            JsonNode value = readValue(map.valueShape(), params, entry + map.value());
            entries.set(key, value != null ? value : JSON.textNode(""));
        }
        return entries.isEmpty() ? null : entries;
    }

    /** The indexes N of the parameters named {@code name.N} or {@code name.N.*}, in numeric order. */
    private static SortedSet<Integer> indices(NavigableMap<String, String> params, String name) {
        String prefix = name + ".";
        SortedSet<Integer> indices = new TreeSet<>();
        for (String param :
                params.subMap(prefix, true, prefix + Character.MAX_VALUE, false).keySet()) {
            int end = param.indexOf('.', prefix.length());
            String index = param.substring(prefix.length(), end < 0 ? param.length() : end);
            if (!index.isEmpty() && index.length() < 10 && index.chars().allMatch(c -> c >= '0' && c <= '9')) {
                indices.add(Integer.parseInt(index));
            }
        }
        return indices;
    }

    private static SqsException refusal(String code, String message) {
        return new SqsException(new SqsError(400, code, code, true, message));
    }

    // ---- writing: the JSON protocol's output -> XML

    private static void writeStruct(XMLStreamWriter w, Struct struct, JsonNode node) throws XMLStreamException {
        for (Member member : struct.members()) {
            JsonNode value = node.get(member.json());
            if (value != null && !value.isNull()) {
                writeValue(w, member.wire(), member.shape(), value);
            }
        }
    }

    private static void writeValue(XMLStreamWriter w, String element, Shape shape, JsonNode value)
            throws XMLStreamException {
        if (shape instanceof Scalar) {
            text(w, element, value.asText());
        } else if (shape instanceof ListOf list) {
            for (JsonNode item : value) {
                writeValue(w, element, list.item(), item);
            }
        } else if (shape instanceof MapOf map) {
            for (Map.Entry<String, JsonNode> entry : value.properties()) {
                w.writeStartElement(element);
                text(w, map.key(), entry.getKey());
                writeValue(w, map.value(), map.valueShape(), entry.getValue());
                w.writeEndElement();
            }
        } else {
            w.writeStartElement(element);
            writeStruct(w, (Struct) shape, value);
            w.writeEndElement();
        }
    }

    /**
     * One text element. A carriage return goes as a character reference, since an XML parser turns a
     * literal one into a line feed and the SDK's MD5 check of the body would then fail; a character XML
     * cannot carry at all (SQS refuses such bodies when they are sent) becomes U+FFFD, so the document
     * stays well-formed.
     */
    private static void text(XMLStreamWriter w, String element, String text) throws XMLStreamException {
        w.writeStartElement(element);
        StringBuilder run = new StringBuilder();
        for (int c : (text == null ? "" : text).codePoints().toArray()) {
            if (c == '\r') {
                w.writeCharacters(run.toString());
                run.setLength(0);
                w.writeEntityRef("#xD");
            } else {
                run.appendCodePoint(isXmlChar(c) ? c : 0xFFFD);
            }
        }
        w.writeCharacters(run.toString());
        w.writeEndElement();
    }

    private static boolean isXmlChar(int c) {
        return c == 0x9
                || c == 0xA
                || c == 0xD
                || (c >= 0x20 && c <= 0xD7FF)
                || (c >= 0xE000 && c <= 0xFFFD)
                || (c >= 0x10000 && c <= 0x10FFFF);
    }

    @FunctionalInterface
    private interface Body {
        void write(XMLStreamWriter w) throws XMLStreamException;
    }

    private static SqsAnswer xml(int status, String requestId, Body body) {
        StringWriter out = new StringWriter();
        try {
            XMLStreamWriter w = XML.createXMLStreamWriter(out);
            w.writeStartDocument("1.0");
            body.write(w);
            w.writeEndDocument();
            w.close();
        } catch (XMLStreamException e) {
            // a StringWriter cannot fail, and every name written is a constant of QueryShapes
            throw new IllegalStateException(e);
        }
        return new SqsAnswer(
                status,
                CONTENT_TYPE,
                requestId == null ? Map.of() : Map.of("x-amzn-RequestId", requestId),
                out.toString());
    }
}
