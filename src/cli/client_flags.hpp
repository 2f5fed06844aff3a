#pragma once
// What the client commands (req, event, count, info) share: their flags, turning
// filter flags into a nostr::Filter, the exit codes, and de-duplication by id.
//
// Exit codes a script can trust (docs/tools.md):
//   0  every relay answered and said yes
//   1  a relay said no (OK false, CLOSED), or only some relays answered
//   2  usage error (bad flag, bad URI, bad key file, bad event on stdin)
//   3  no relay could be reached (connection, TLS or wsn handshake failure, timeout)
#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "crypto/keys.hpp"
#include "nostr/event.hpp"
#include "nostr/filter.hpp"
#include "util/result.hpp"
#include "wsn/address.hpp"
#include "wsn/net/client.hpp"

namespace wsn::cli {

enum Exit : int { exit_ok = 0, exit_refused = 1, exit_usage = 2, exit_unreachable = 3 };

// --key, --socks5, --timeout, --tls-ca, --directory.
struct ConnectFlags {
    std::string key_file;  // empty: a fresh key per connection (anonymous)
    std::string socks5;    // HOST:PORT, empty: direct
    double timeout_seconds = 10;
    std::string tls_ca;    // wss: extra trusted certificates (PEM)
    std::vector<std::string> directories;  // added to the client config's (client_config.hpp)
};
void add_connect_flags(CLI::App& cmd, ConnectFlags& f);
// --directory alone (for commands that take the other connect flags their own way).
void add_directory_flag(CLI::App& cmd, ConnectFlags& f);

// The client options the flags name, checked: the key read from its file (a warning
// about its permissions goes to stderr), the SOCKS5 proxy, the timeouts (connect,
// handshake, and each answer awaited: connect_timeout), and the resolver (wsn/net/resolver.hpp)
// with the directories of the flags and the client config, and the cache file.
[[nodiscard]] Result<net::ClientOptions> client_options(const ConnectFlags& f);

// --kind, --author, --id, --tag x=v, --since, --until, --limit.
struct FilterFlags {
    std::vector<uint16_t> kinds;
    std::vector<std::string> authors, ids, tags;
    std::optional<int64_t> since, until;
    std::optional<uint64_t> limit;
};
void add_filter_flags(CLI::App& cmd, FilterFlags& f);
// The filter the flags describe; the Error names the flag and value that are wrong.
[[nodiscard]] Result<nostr::Filter> build_filter(const FilterFlags& f);

// A pubkey given as npub or 64 hex characters.
[[nodiscard]] Result<crypto::XOnlyPubkey> parse_author(std::string_view s);
// An event id given as note1... or 64 hex characters.
[[nodiscard]] Result<nostr::Id> parse_event_id(std::string_view s);
// An event tag given as NAME=VALUE (two elements) or as a JSON array of strings
// ('["e","<id>","wss://relay"]').
[[nodiscard]] Result<nostr::Tag> parse_tag(std::string_view s);

// The relay URIs (ws, wss, wsn, wsns), parsed; the Error names the one that is wrong.
[[nodiscard]] Result<std::vector<Address>> parse_uris(const std::vector<std::string>& uris);

// Remembers the event ids seen; true the first time an id is offered.
class Dedup {
public:
    bool first(const nostr::Id& id) { return seen_.insert(id).second; }

private:
    std::set<nostr::Id> seen_;
};

// The exit code for a run over several relays: how many answered, how many of those
// said no.
int exit_code(size_t relays, size_t unreachable, size_t refused);

}  // namespace wsn::cli
