#pragma once
// A verifier thread: parses each client message, checks ids and signatures, applies
// limits, authentication, policy and rate limits, and routes the result: events to
// the writer (or, ephemeral, straight to the monitor), REQ/COUNT/CLOSE to the query
// worker. It owns the state of the connections dispatched to it (conn % threads).
#include <cstdint>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

#include "nostr/parser.hpp"
#include "relay/shared.hpp"

namespace wsn::relay {

class Verifier {
public:
    Verifier(Shared& sh, Inbox<IngestMsg>& inbox);
    void run();

private:
    struct Conn {
        net::SessionInfo info;
        std::string ip;  // the client's (relay/real_ip.hpp): rate limits, IP blocks, logs
        std::string challenge;                    // NIP-42
        std::set<crypto::XOnlyPubkey> authed;     // wsn client key and NIP-42 AUTHs
        std::set<std::string> subs;
    };

    void open(net::SessionInfo info, std::string ip);
    void text(uint64_t conn, std::string text);
    void on_event(Conn& c, nostr::ClientEvent& m);
    void on_req(Conn& c, nostr::ClientReq& m);
    void on_count(Conn& c, nostr::ClientCount& m);
    void on_close(Conn& c, nostr::ClientClose& m);
    // NIP-77: NEG-OPEN, NEG-MSG, NEG-CLOSE go to the negentropy worker (neg_worker.hpp).
    void on_neg_open(Conn& c, nostr::ClientNegOpen& m);
    void on_auth(Conn& c, nostr::ClientAuth& m);
    void reject(uint64_t conn, const Error& e);
    bool allow_req(const Conn& c);
    // "" if the event may be written by this connection, else the OK false message
    // (auth, lists, kinds, dates and NIP-70: no rate limit, no signature).
    std::string check_write(const Conn& c, const nostr::Event& e, int64_t now);

    Shared& sh_;
    Inbox<IngestMsg>& inbox_;
    nostr::Parser parser_;
    std::string scratch_;
    std::unordered_map<uint64_t, Conn> conns_;
    std::unordered_map<uint64_t, std::pair<size_t, size_t>> consumed_;  // this batch's (bytes, texts) by connection
    // The NIP-86 state as of this batch; a change also closes connections of newly blocked IPs.
    void refresh_moderation();
    std::shared_ptr<const Moderation> moderation_;
    uint64_t moderation_version_ = UINT64_MAX;
};

}  // namespace wsn::relay
