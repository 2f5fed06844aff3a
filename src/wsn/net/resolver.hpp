#pragma once
// The client resolver (DESIGN.md §1, §8): connects to a relay named by its key, wherever
// the relay is now. One piece of code for every client path: set
// ClientOptions::resolver and Client::connect (and BlockingClient, the proxy, the
// gateway's upstream, `wsn bench`) goes through it.
//
//   1. An address with a host: that host first (per-address deadline).
//   2. The cache's last good address for the key, when it differs.
//   3. The directory relays, all at once, one REQ each ({"kinds":[11111],"authors":[key]});
//      the newest acceptable announcement (wsn/resolution.hpp) among theirs and the cached one.
//   4. Its wsn/wsns addresses in announcement order (tor only with SOCKS5), each with the
//      per-address deadline. The Noise handshake is the proof: an impostor fails it and
//      the next address is tried.
// The address that worked and the announcement go into the cache (a file, replaced
// atomically). A cached key-only connect that still works costs no directory query.
// The decisions are in wsn/resolution.hpp; this is the I/O around them.
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>  // before Asio: its awaitable.hpp uses std::exchange
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "wsn/net/client.hpp"
#include "wsn/resolution.hpp"

namespace wsn::net {

struct ResolverOptions {
    std::vector<std::string> directories;  // ws, wss, or wsn/wsns with a host
    std::string cache_file;                // "" keeps the cache in memory only
    std::chrono::milliseconds address_timeout{3000};    // each clearnet address: TCP + handshake
    std::chrono::milliseconds directory_timeout{5000};  // the whole directory lookup
    std::function<void(const std::string&)> log;        // why an address or announcement was passed over
};

class Resolver {
public:
    // Reads the cache file; one that cannot be read is logged and started afresh.
    explicit Resolver(ResolverOptions o);

    // Connects to `addr` (wsn or wsns; key-only or with a host) as above. `opts` are the
    // caller's (key, SOCKS5, TLS); its resolver is ignored.
    boost::asio::awaitable<Result<std::unique_ptr<Client>>> connect(boost::asio::any_io_executor ex, Address addr,
                                                                    ClientOptions opts);

    // What the directories (and the cache) say about `key`: the winning announcement, where
    // it came from, what was ignored and why, which directories could not be asked.
    struct Lookup {
        Choice choice;
        std::vector<std::string> unreachable;  // "<url>: <reason>"
    };
    boost::asio::awaitable<Lookup> lookup(boost::asio::any_io_executor ex, crypto::XOnlyPubkey key,
                                          ClientOptions opts);
    // The same on its own I/O context (for `wsn resolve`).
    Lookup lookup_blocking(const crypto::XOnlyPubkey& key, const ClientOptions& opts);

    const ResolverOptions& options() const { return o_; }

private:
    void note(const std::string& s) const;
    std::optional<CachedRelay> cached(const crypto::XOnlyPubkey& key);
    void learn(const CachedRelay& r);

    ResolverOptions o_;
    std::mutex mu_;  // the cache; connects may run on several threads
    std::vector<CachedRelay> cache_;
};

}  // namespace wsn::net
