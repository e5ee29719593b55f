package dev.mq.model;

/** The body of every non-2xx answer, and of a failed entry inside a batch answer. */
public record ErrorBody(Detail error) {
    public record Detail(String code, String message) {}

    public static ErrorBody of(ErrorCode code, String message) {
        return new ErrorBody(new Detail(code.code(), message));
    }
}
