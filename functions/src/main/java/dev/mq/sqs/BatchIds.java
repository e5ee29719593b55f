package dev.mq.sqs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** The {@code Id}s of a batch's entries, as SQS checks them, and a batch's {@code Failed} entries. */
final class BatchIds {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,80}");

    private BatchIds() {}

    /** Each entry's id: present, of SQS's form, and distinct. */
    static List<String> of(List<ObjectNode> entries) {
        List<String> ids = new ArrayList<>(entries.size());
        Set<String> seen = new HashSet<>();
        for (ObjectNode entry : entries) {
            String id = SqsInput.requiredString(entry, "Id");
            if (!ID.matcher(id).matches()) {
                throw SqsErrors.fail(SqsErrors.invalidBatchEntryId("A batch entry id can only contain alphanumeric"
                        + " characters, hyphens and underscores. It can be at most 80 letters long."));
            }
            if (!seen.add(id)) {
                throw SqsErrors.fail(SqsErrors.batchEntryIdsNotDistinct(id));
            }
            ids.add(id);
        }
        return ids;
    }

    /** Adds the entry {@code id}'s failure to a batch's {@code Failed} list. */
    static void failed(ArrayNode failed, String id, SqsError error) {
        failed.addObject()
                .put("Id", id)
                .put("SenderFault", error.sender())
                .put("Code", error.queryCode())
                .put("Message", error.message());
    }
}
