#pragma once
// Everything an operator can set, with defaults. Loaded from a TOML file
// (--config) and overridden by command-line flags; config.cpp holds the one table
// that names each key, its documentation and its default.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"
#include "wsn/net/server.hpp"

namespace wsn::relay {

// The defaults other settings derive from, named once: the data folder (also the data
// commands' --data), the port of the default listeners (also the gateway's).
inline constexpr std::string_view kDefaultDataDir = "wsn-data";
inline constexpr uint16_t kDefaultPort = 7447;
inline constexpr std::string_view kKeyFileName = "relay.key";  // in data_dir unless key_file is set

struct RateLimit {
    double per_second = 0;  // tokens added per second; 0 = unlimited
    double burst = 0;       // bucket size
};

struct Config {
    // [relay]
    std::string data_dir = std::string(kDefaultDataDir);
    std::string key_file;  // default: <data_dir>/relay.key (generated on first start, 0600)
    std::vector<net::ListenAddress> listen;  // default: default_listeners()
    std::string tls_cert, tls_key;           // needed by TLS listeners
    bool allow_plaintext = true;             // ws/wss for clients without wsn.v1
    std::vector<std::string> public_urls;    // ws(s):// URLs clients use; NIP-42 relay tags must name one
    size_t map_size_mib = size_t(1) << 20;   // LMDB map (1 TiB): the most the database may grow to
    std::string real_ip_header;               // e.g. "X-Forwarded-For"; believed from trusted_proxies only
    std::vector<std::string> trusted_proxies;  // addresses or CIDR blocks (relay/real_ip.hpp)

    // [announce] (docs/discovery.md): on when directories, addresses or onion is set
    std::vector<std::string> announce_addresses;    // URIs or HOST:PORT; empty: the reachable listener addresses
    std::string announce_onion;                     // "<56 base32>.onion:PORT", announced last
    std::vector<std::string> announce_directories;  // relays to publish to, any scheme
    int64_t announce_interval = 6 * 3600;           // seconds between announcements
    int64_t announce_expiry = 14 * 24 * 3600;       // seconds each stays valid

    // [store]
    std::string store_backend = "lmdb";    // "lmdb" (in data_dir) or "postgres"
    std::string store_url, store_read_url;  // PostgreSQL: the primary, and an optional replica for reads
    size_t store_pool_size = 4;             // PostgreSQL connections for queries
    std::chrono::milliseconds store_timeout{10000};  // PostgreSQL: longest statement

    // [info] (NIP-11)
    std::string name = "wsn relay", description, contact, icon;
    std::string operator_pubkey;  // NIP-11 `pubkey` (hex), the operator's own key
    std::string software;         // NIP-11 `software` (a URL); omitted when empty
    bool landing_page = true;     // the web page at / for browsers (landing_page.hpp)

    // [limits]
    size_t max_message_bytes = 512 * 1024;
    size_t max_subscriptions = 50;  // per connection
    size_t max_filters = 16;
    size_t max_limit = 500;         // cap on a filter's limit (and default when absent)
    size_t max_event_bytes = 256 * 1024;
    size_t max_event_tags = 2500;
    size_t max_content_bytes = 256 * 1024;
    int64_t max_future_seconds = 900;  // created_at further ahead is refused
    std::chrono::milliseconds handshake_timeout{10000};
    std::chrono::milliseconds idle_timeout{120000};
    size_t max_connections = 10000;        // lowered to fit the open-file limit
    size_t max_connections_per_ip = 100;   // per IPv4 address or IPv6 /64
    size_t max_output_mib = 256;           // queued for sending, all connections together
    size_t max_input_kib_per_connection = 512;  // received, waiting for a verifier, per connection
    size_t max_input_mib = 64;             // the same, all connections together
    size_t max_queries_in_flight = 50;     // REQ stored parts and COUNTs at once, per connection
    size_t max_query_cost = 5'000'000;     // index steps one query may take; 0 = no cap

    // [auth]
    bool auth_required_read = false;
    bool auth_required_write = false;
    std::vector<uint16_t> private_kinds{4, 1059};  // served only to their author or a p-tagged reader

    // [policy]
    std::vector<std::string> allow_pubkeys, deny_pubkeys;  // hex; empty allow = everyone
    std::vector<uint16_t> allow_kinds, deny_kinds;          // empty allow = every kind
    std::string write_policy_plugin;  // a command; JSON line per event, answers accept/reject
    std::chrono::milliseconds write_policy_timeout{5000};  // per event; then refused and the plugin restarted

    // [rate_limits]
    RateLimit events_per_ip{20, 100};
    RateLimit events_per_pubkey{10, 50};
    RateLimit reqs_per_ip{20, 100};

    // [sync] (NIP-77 negentropy)
    size_t sync_max_sessions = 4;          // open NEG-OPEN sessions per connection
    size_t sync_max_records = 1'000'000;   // events one sync may cover; more: NEG-ERR blocked
    std::chrono::milliseconds sync_idle_timeout{60000};  // a session without NEG-MSG is closed
    size_t sync_frame_size = 60'000;       // bytes per negentropy message we send (hex doubles it)

    // [management] (NIP-86)
    std::vector<std::string> admins;  // hex pubkeys whose NIP-98-signed calls are obeyed

    // [threads]
    unsigned verifier_threads = 0;  // 0 = one per core
    unsigned io_threads = 1;        // 0 = one per core
    unsigned query_threads = 0;     // 0 = one per core
};

// 0.0.0.0 and [::] on kDefaultPort, plain: what serves when no listener is configured.
std::vector<net::ListenAddress> default_listeners();
// Fills in the defaults that depend on other settings (key_file in data_dir, the
// listeners when none is set), once the file and the flags are read.
void complete_defaults(Config& cfg);

// Reads a TOML file into cfg (keys absent from the file keep their value).
// Errors name the file, the key and what was wrong.
Status load_config_file(const std::string& path, Config& cfg);

// The documented table of keys, as an example TOML file (`wsn relay --print-config`).
std::string example_config();

}  // namespace wsn::relay
