#pragma once
// Runs a client command against several relays at once: one thread and one
// net::BlockingClient per URI. Output lines (stdout) are written whole, one at a time.
#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cli/client_flags.hpp"
#include "nostr/message.hpp"
#include "nostr/parser.hpp"
#include "wsn/net/client.hpp"

namespace wsn::cli {

// How a conversation with one relay went.
enum class Outcome { ok, refused };

// Connects to every URI in parallel and runs `talk` on each connection. A relay that
// cannot be reached is reported on stderr ("<uri>: <reason>"). Returns the exit code
// (client_flags.hpp) over all of them.
int for_each_relay(const std::vector<std::string>& uris, const net::ClientOptions& opts,
                   const std::function<Outcome(net::BlockingClient&, const std::string& uri)>& talk);

// Reads one relay's answers. NOTICEs are shown on stderr and skipped, as are messages
// that cannot be parsed (with a warning). next() gives nullopt when the connection
// ended or nothing came within the timeout since the last message (both already told on
// stderr), or when `stop` was set.
class Conversation {
public:
    Conversation(net::BlockingClient& c, std::string uri, std::chrono::milliseconds timeout,
                 const std::atomic<bool>* stop = nullptr);
    std::optional<nostr::RelayMessage> next();
    // From now on wait for ever (streaming); only `stop` or the relay ends it.
    void no_deadline() { deadline_ = std::chrono::steady_clock::time_point::max(); }
    bool stopped() const { return stop_ && *stop_; }
    const std::string& uri() const { return uri_; }

private:
    net::BlockingClient& c_;
    std::string uri_;
    std::chrono::milliseconds timeout_;
    std::chrono::steady_clock::time_point deadline_;
    const std::atomic<bool>* stop_;
    nostr::Parser parser_;
};

// Sends `event` and waits for the relay's OK about it, printed as one JSON line
// {"relay","id","accepted","message"} (a refusal also told on stderr).
Outcome publish(net::BlockingClient& c, const std::string& uri, const nostr::Event& event,
                std::chrono::milliseconds timeout);

// Writes one line to stdout and flushes it (thread-safe).
void print_line(const std::string& line);
// Writes "<uri>: <message>" to stderr (thread-safe).
void tell(const std::string& uri, const std::string& message);

}  // namespace wsn::cli
