/** skiff: a small BitTorrent client. Needs JDK modules only. */
module skiff {
    exports skiff.bencode;
    exports skiff.metainfo;
    exports skiff.loop;
    exports skiff.cli;
}
