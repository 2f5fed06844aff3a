#pragma once
// What the relay's threads share: configuration, the store, the server (for
// sending), and the inboxes. Threads talk only through the inboxes; the rest is
// read-only or thread-safe.
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "crypto/keys.hpp"
#include "nostr/limits.hpp"
#include "relay/config.hpp"
#include "relay/inbox.hpp"
#include "relay/messages.hpp"
#include "relay/metrics.hpp"
#include "relay/moderation.hpp"
#include "relay/rate_limit.hpp"
#include "relay/real_ip.hpp"
#include "store/store.hpp"
#include "util/clock.hpp"
#include "wsn/net/server.hpp"

namespace wsn::relay {

class WritePolicy;

struct Shared {
    Config cfg;
    crypto::XOnlyPubkey pubkey;
    std::vector<std::string> addresses;  // wsn:// addresses, fixed after the listeners bind
    nostr::Limits limits;
    std::unique_ptr<store::Store> store;
    // Set when the store is shared by several frontends (PostgreSQL): live events then
    // come from it (FeedReader), ephemeral ones too, after the writer published them.
    std::unique_ptr<store::Feed> feed;
    std::unique_ptr<net::Server> server;
    Metrics metrics;
    RateLimiter events_per_ip, events_per_pubkey, reqs_per_ip;  // set from cfg at start
    std::vector<IpNetwork> trusted_proxies;  // cfg.trusted_proxies, parsed
    PrivateKinds private_kinds;              // cfg.private_kinds
    ModerationState moderation;              // NIP-86 lists, loaded from the store at start
    std::unique_ptr<WritePolicy> write_policy;  // null when no plugin is configured

    std::vector<std::unique_ptr<Inbox<IngestMsg>>> verifier_inboxes;
    Inbox<CheckPolicy> policy_inbox;  // used only with a write_policy
    Inbox<AddEvent> writer_inbox;
    std::vector<std::unique_ptr<Inbox<ReqMsg>>> query_inboxes;  // one per query worker
    Inbox<NegMsg> neg_inbox;
    Inbox<MonitorMsg> monitor_inbox;

    // Number of the last batch of stored events handed to the monitor (by the writer, or
    // by the FeedReader); a query begun after reading it sees every batch up to it (see
    // mon::Subscribe).
    std::atomic<uint64_t> committed_batch{0};

    Inbox<IngestMsg>& verifier_for(uint64_t conn) { return *verifier_inboxes[conn % verifier_inboxes.size()]; }
    Inbox<ReqMsg>& query_for(uint64_t conn) { return *query_inboxes[conn % query_inboxes.size()]; }

    // An event that passed every check: an ephemeral one is answered and goes straight
    // to the monitor, any other to the writer (which answers after the commit).
    void accept_event(uint64_t conn, LiveEvent ev);

    // NIP-01 answers.
    void send_ok(uint64_t conn, const nostr::Id& id, bool accepted, std::string_view message);
    void send_closed(uint64_t conn, std::string_view sub, std::string_view message);
    void send_notice(uint64_t conn, std::string_view message);
    // Returns the connection's unsent output (net::Server::send), for pacing stored results.
    size_t send_event(uint64_t conn, std::string_view sub, std::string_view event_json);
    // A live event, its JSON shared by every subscription it goes to rather than copied.
    size_t send_event(uint64_t conn, std::string_view sub, const LiveEventPtr& ev);
    static net::SharedText event_text(std::string_view sub, const LiveEventPtr& ev);
    void send_neg_err(uint64_t conn, std::string_view sub, std::string_view message);  // NIP-77
};

// Monotonic seconds for rate limits (the clocks live at the edge: this and
// util/clock.hpp's unix_now).
double now_seconds();

}  // namespace wsn::relay
