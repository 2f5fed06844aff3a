#pragma once
// The announcer of a relay or gateway (DESIGN.md §8): a thread of its own that signs the
// address announcement when it is due (wsn/announce_plan.hpp), hands it to `keep` (the
// relay stores it through its writer), publishes it to every directory relay (any
// scheme) with retries from 5 s doubling to 15 min, logged, and does it again on
// schedule. It never blocks the service: publishing runs on its own I/O context.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crypto/keys.hpp"
#include "nostr/event.hpp"
#include "wsn/address.hpp"
#include "wsn/net/client.hpp"

namespace wsn::net {

struct AnnouncerOptions {
    crypto::SecretKey key;                 // the service's own key: it signs
    std::vector<Address> addresses;        // in the order clients should try them
    std::vector<std::string> directories;  // where to publish (ws, wss, wsn, wsns)
    int64_t interval = 6 * 3600;           // seconds between announcements
    int64_t expiry = 14 * 24 * 3600;       // seconds an announcement stays valid
    std::optional<nostr::Event> last;      // the last one signed (from the store), if any
    std::function<void(const nostr::Event&)> keep;  // called with each new announcement; may be empty
    ClientOptions client;                  // SOCKS5, timeouts (the key is `key`)
    std::string who = "announce";          // log prefix
    std::function<void(bool problem, const std::string&)> log;  // what was signed, published, refused
};

class Announcer {
public:
    explicit Announcer(AnnouncerOptions o);
    ~Announcer();  // stop()
    Announcer(const Announcer&) = delete;
    Announcer& operator=(const Announcer&) = delete;

    // Signs (if due) and keeps the announcement on the calling thread, so it is stored
    // before the service serves; then starts the publishing thread.
    void start();
    void stop();

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace wsn::net
