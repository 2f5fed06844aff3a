#pragma once
// The write-policy plugin, after strfry's (docs/plugins.md there): a command run
// with /bin/sh -c that reads one JSON line per event on stdin,
//
//   {"type":"new","event":{...},"receivedAt":1700000000,"sourceType":"IP4|IP6|wsn",
//    "sourceInfo":"203.0.113.5"[,"clientPubkey":"<hex>"]}
//
// and answers each with one JSON line on stdout:
//
//   {"id":"<event id>","action":"accept|reject|shadowReject","msg":"blocked: ..."}
//
// The plugin's stderr goes to the relay's; it inherits no other descriptor of the
// relay (no socket, no database file). A plugin that dies is restarted once and the
// event sent again; after two failures in a row (death, timeout, a bad answer) events
// are refused with "error: write policy plugin unavailable" until retry_after has
// passed, and then a new process is tried; each retry that fails doubles the wait, up
// to max_retry_after, and an answer resets it.
//
// Thread-safe: check() holds a mutex for the whole exchange. The relay calls it from
// one thread of its own (PolicyWorker), never from a thread that serves reads.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "nostr/event.hpp"
#include "wsn/net/server.hpp"

namespace wsn::relay {

struct PolicyVerdict {
    bool accept = false;  // write and deliver the event
    bool shadow = false;  // shadowReject: answer OK true, but drop the event
    std::string message;  // the OK message for a refusal ("blocked: ...", "error: ...")
    std::string log;      // a plugin problem the relay should log; "" when all went well
};

struct PolicySource {
    std::string type;           // "IP4", "IP6" or "wsn"
    std::string info;           // the client's IP address, without port
    std::string client_pubkey;  // wsn: the key the client presented (hex); else ""
};
// sourceType/sourceInfo for a session whose client address is `ip` (relay/real_ip.hpp:
// "2001:db8::1" -> IP6, as given).
PolicySource policy_source(const net::SessionInfo& s, std::string_view ip);

struct PolicyOptions {
    std::chrono::milliseconds timeout{5000};  // for writing the request and reading the answer
    std::chrono::milliseconds retry_after{1000};  // the first wait after two failures in a row
    std::chrono::milliseconds max_retry_after{60000};
    size_t max_answer_bytes = 64 * 1024;
};

class WritePolicy {
public:
    // Starts nothing yet: the process is spawned on the first check().
    explicit WritePolicy(std::string command, PolicyOptions opts = {});
    // Closes the plugin's stdin, gives it a moment to exit, then kills it.
    ~WritePolicy();
    WritePolicy(const WritePolicy&) = delete;
    WritePolicy& operator=(const WritePolicy&) = delete;

    // Asks the plugin about an event; the request carries its compact JSON (one line).
    PolicyVerdict check(const nostr::CompactEvent& e, const PolicySource& from, int64_t received_at);

    // The running plugin's process id, or -1 (for tests and logs).
    int pid() const;

private:
    enum class Outcome { ok, died, timeout, bad_answer };

    bool spawn(std::string& why);
    // Two failures in a row: refuse events for a while, longer each time it happens again.
    void back_off();
    void stop(bool gently);
    Outcome exchange(const std::string& request, const nostr::Event& e, PolicyVerdict& v, std::string& why);
    bool send_all(std::string_view data, std::chrono::steady_clock::time_point deadline, Outcome& o);
    bool read_line(std::string& line, std::chrono::steady_clock::time_point deadline, Outcome& o);

    const std::string command_;
    const PolicyOptions opts_;
    mutable std::mutex mu_;
    int pid_ = -1;
    int fd_ = -1;         // our end of the socketpair that is the plugin's stdin and stdout
    std::string buffer_;  // bytes read past the last answer line
    int failures_ = 0;    // in a row
    std::chrono::steady_clock::time_point retry_at_{};
    std::chrono::milliseconds backoff_;  // the next wait after two failures in a row
};

}  // namespace wsn::relay
