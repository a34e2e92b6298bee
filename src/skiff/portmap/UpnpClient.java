package skiff.portmap;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.List;
import skiff.loop.EventLoop;
import skiff.loop.Handler;
import skiff.loop.Timer;
import skiff.tracker.HttpReply;
import skiff.tracker.Tracker;
import skiff.tracker.Trackers;

/**
 * Maps the peer port on a UPnP Internet Gateway Device: an SSDP search on the LAN, the first
 * router's description, then AddPortMapping for TCP and UDP with a lease renewed at half its
 * length, and DeletePortMapping at stop. Each step is bounded in time; the first answer that is
 * not usable ends the attempt. Loop thread only.
 */
final class UpnpClient implements Handler {
    /** Searches sent, one a second, before no router is taken to be there. */
    static final int SEARCHES = 3;
    static final long SEARCH_INTERVAL_MILLIS = 1000;
    /** Lease asked for (libtorrent's); 0 (permanent) only for a router that takes nothing else. */
    static final int LEASE_SECONDS = 3600;
    /** Each SOAP call's deadline: the router is on the LAN. */
    static final long CALL_MILLIS = 3000;
    static final long STOP_MILLIS = 2000;

    private final EventLoop loop;
    private final Trackers http;
    private final PortMapper.Listener listener;
    private final InetAddress local;
    private final int port;
    private final boolean udp;
    private final DatagramChannel channel;
    private final SelectionKey key;
    private final ByteBuffer in = ByteBuffer.allocate(2048);
    private int searches;
    private Timer timer;
    private Upnp.Service service;
    private InetAddress internal;
    private InetAddress external;
    private int lease = LEASE_SECONDS;
    private final List<String> mappedProtocols = new ArrayList<>();
    private boolean found;
    private boolean over;

    private UpnpClient(EventLoop loop, Trackers http, PortMapper.Listener listener, InetAddress local, int port, boolean udp,
                       DatagramChannel channel) throws IOException {
        this.loop = loop;
        this.http = http;
        this.listener = listener;
        this.local = local;
        this.port = port;
        this.udp = udp;
        this.channel = channel;
        this.key = loop.register(channel, SelectionKey.OP_READ, this);
    }

    /** Starts the search; {@code local}: the address the peer port is bound to (null: any). */
    static UpnpClient start(EventLoop loop, Trackers http, InetAddress local, int port, boolean udp,
                            PortMapper.Listener listener) throws IOException {
        DatagramChannel ch = DatagramChannel.open(java.net.StandardProtocolFamily.INET);
        try {
            ch.configureBlocking(false);
            ch.bind(new InetSocketAddress(local, 0));
            UpnpClient c = new UpnpClient(loop, http, listener, local, port, udp, ch);
            c.search();
            return c;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private void search() {
        if (found || over) {
            return;
        }
        if (searches++ == SEARCHES) {
            give("no UPnP router answered");
            return;
        }
        try {
            channel.send(ByteBuffer.wrap(Upnp.search(2)), new InetSocketAddress(Upnp.SSDP_GROUP, Upnp.SSDP_PORT));
        } catch (IOException e) {
            give("UPnP search: " + e.getMessage());
            return;
        }
        timer = loop.schedule(SEARCH_INTERVAL_MILLIS, this::search);
    }

    @Override
    public void ready(SelectionKey k) throws IOException {
        for (int i = 0; i < 16 && !found && !over; i++) {
            in.clear();
            InetSocketAddress from = (InetSocketAddress) channel.receive(in);
            if (from == null) {
                return;
            }
            try {
                URI location = Upnp.location(in.array(), in.position(), from.getAddress());
                found = true;
                timer.cancel();
                loop.close(key, null); // one router is enough; other answers are not read
                describe(location, from.getAddress());
            } catch (PortMapException e) {
                listener.debug("UPnP: dropped an SSDP answer from " + from + ": " + e.getMessage());
            }
        }
    }

    private void describe(URI location, InetAddress router) {
        listener.debug("UPnP: router at " + location);
        http.fetch(location.toString(), new Tracker.Callback<>() {
            @Override
            public void succeeded(byte[] body) {
                if (over) {
                    return;
                }
                try {
                    service = Upnp.service(body, location);
                } catch (PortMapException e) {
                    give("UPnP: " + e.getMessage());
                    return;
                }
                internal = local != null && !local.isAnyLocalAddress() ? local : localAddressToward(router);
                if (internal == null) {
                    give("UPnP: no local address toward " + router.getHostAddress());
                    return;
                }
                call("GetExternalIPAddress", Upnp.getExternalIpAddress(service), r -> {
                    String a = r.status() == 200 ? Upnp.externalAddress(r.body()) : null;
                    external = a == null ? null : skiff.http.IpLiteral.parse(a);
                    addNext(0);
                });
            }

            @Override
            public void failed(String reason) {
                give("UPnP: description from " + location + ": " + reason);
            }
        });
    }

    /** Maps each protocol in turn from {@code index} (TCP, then UDP), then reports and schedules the renewal. */
    private void addNext(int index) {
        List<String> protocols = udp ? List.of("TCP", "UDP") : List.of("TCP");
        if (index == protocols.size()) {
            boolean first = mappedProtocols.isEmpty();
            mappedProtocols.clear();
            mappedProtocols.addAll(protocols);
            if (first) {
                listener.mapped(new Mapped("UPnP", external, port, udp));
            } else {
                listener.debug("UPnP: mapping renewed for " + lease + " s");
            }
            if (lease > 0) {
                timer = loop.schedule(lease * 500L, () -> addNext(0));
            }
            return;
        }
        String protocol = protocols.get(index);
        call("AddPortMapping", Upnp.addPortMapping(service, port, protocol, internal, lease), r -> {
            int error = r.status() == 200 ? 0 : Upnp.errorCode(r.body());
            if (error == Upnp.ONLY_PERMANENT_LEASES && lease != 0) {
                lease = 0; // the router takes permanent mappings only: they go at stop
                addNext(index);
            } else if (error != 0) {
                give("UPnP: AddPortMapping " + protocol + ": " + (error == Upnp.CONFLICT_IN_MAPPING
                    ? "port " + port + " is forwarded to another computer" : error > 0 ? "error " + error : "HTTP " + r.status()));
            } else {
                addNext(index + 1);
            }
        });
    }

    private void call(String action, byte[] body, java.util.function.Consumer<HttpReply> then) {
        post(action, body, CALL_MILLIS, new Tracker.Callback<>() {
            @Override
            public void succeeded(HttpReply r) {
                if (!over) {
                    then.accept(r);
                }
            }

            @Override
            public void failed(String reason) {
                if (!over) {
                    give("UPnP: " + action + ": " + reason);
                }
            }
        });
    }

    /** One SOAP call to the router's service, its headers named by {@code action}. */
    private void post(String action, byte[] body, long timeoutMillis, Tracker.Callback<HttpReply> callback) {
        http.post(service.control(), List.of("Content-Type: text/xml; charset=\"utf-8\"",
            "SOAPAction: " + Upnp.soapAction(service, action)), body, timeoutMillis, callback);
    }

    /** The local address the kernel would send from toward {@code router}: a UDP connect sends nothing. */
    private static InetAddress localAddressToward(InetAddress router) {
        try (DatagramChannel probe = DatagramChannel.open()) {
            probe.connect(new InetSocketAddress(router, Upnp.SSDP_PORT));
            return ((InetSocketAddress) probe.getLocalAddress()).getAddress();
        } catch (IOException e) {
            return null;
        }
    }

    private void give(String why) {
        if (over) {
            return;
        }
        end();
        listener.failed(why);
    }

    private void end() {
        over = true;
        if (timer != null) {
            timer.cancel();
        }
        if (key.isValid()) {
            loop.close(key, null);
        }
    }

    /** Removes the mappings made (each DeletePortMapping in parallel), then {@code done} within {@link #STOP_MILLIS}. */
    void stop(Runnable done) {
        List<String> remove = new ArrayList<>(mappedProtocols);
        end();
        if (remove.isEmpty()) {
            done.run();
            return;
        }
        int[] left = {remove.size()};
        boolean[] ran = {false};
        Runnable once = () -> {
            if (!ran[0]) {
                ran[0] = true;
                done.run();
            }
        };
        Timer deadline = loop.schedule(STOP_MILLIS, once);
        for (String protocol : remove) {
            post("DeletePortMapping", Upnp.deletePortMapping(service, port, protocol), STOP_MILLIS,
                new Tracker.Callback<>() {
                    @Override
                    public void succeeded(HttpReply r) {
                        one();
                    }

                    @Override
                    public void failed(String reason) {
                        listener.debug("UPnP: DeletePortMapping " + protocol + ": " + reason);
                        one();
                    }

                    private void one() {
                        if (--left[0] == 0) {
                            deadline.cancel();
                            once.run();
                        }
                    }
                });
        }
    }

    @Override
    public void closed(Throwable cause) {
        // closed by us, or as the loop stops
    }
}
