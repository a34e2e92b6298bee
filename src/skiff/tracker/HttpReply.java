package skiff.tracker;

/** An HTTP answer of any status, with its body (capped like every body skiff reads). */
public record HttpReply(int status, byte[] body) {
}
