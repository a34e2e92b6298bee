/** skiff: a small BitTorrent client. Needs JDK modules only. */
module skiff {
    requires jdk.unsupported; // sun.misc.Unsafe.invokeCleaner, to unmap storage windows promptly
    exports skiff.bencode;
    exports skiff.metainfo;
    exports skiff.loop;
    exports skiff.http;
    exports skiff.tracker;
    exports skiff.peer;
    exports skiff.mse;
    exports skiff.utp;
    exports skiff.webseed;
    exports skiff.storage;
    exports skiff.swarm;
    exports skiff.session;
    exports skiff.dht;
    exports skiff.portmap;
    exports skiff.cli;
}
