package skiff.tracker;

/** Scrape counts for one torrent (BEP 48 names): complete = seeders, incomplete = leechers. */
public record ScrapeResponse(long seeders, long completed, long leechers) {
}
