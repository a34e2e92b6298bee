package skiff.tracker;

/** One tracker URL: announces and scrapes, answered on the loop thread. */
public interface Tracker {
    /** Calls back exactly once, on the loop thread. */
    /** Hears how a request ended, on the loop. */
    interface Callback<T> {
        void succeeded(T value);

        void failed(String reason);
    }

    String url();

    void announce(AnnounceRequest request, Callback<AnnounceResponse> callback);

    void scrape(byte[] infoHash, Callback<ScrapeResponse> callback);

    /** Drops any request in flight without calling back. */
    void cancel();

    /** Replies this tracker dropped (another transaction's, or malformed); UDP only. */
    default long droppedReplies() {
        return 0;
    }
}
