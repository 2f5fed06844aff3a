#include "relay/config.hpp"

#include <charconv>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <variant>

// toml++ is used header-only, in this file alone.
#define TOML_HEADER_ONLY 1
#include <toml++/toml.h>

#include "relay/real_ip.hpp"
#include "relay/relay_url.hpp"
#include "util/hex.hpp"

namespace wsn::relay {

namespace {

// What a key sets in Config, and so how its TOML value is read and written.
struct Text { std::string Config::*field; };
struct Pubkey { std::string Config::*field; };  // "" or 64 lowercase hex
struct Flag { bool Config::*field; };
struct Count { size_t Config::*field; };        // a positive integer
struct Cap { size_t Config::*field; };          // a non-negative integer, 0 = no cap
struct Threads { unsigned Config::*field; };    // 0..1024
struct Seconds { int64_t Config::*field; };     // whole seconds, >= 0
struct Duration { std::chrono::milliseconds Config::*field; };  // seconds, fractions allowed
struct Pubkeys { std::vector<std::string> Config::*field; };
struct Kinds { std::vector<uint16_t> Config::*field; };
struct Rate { RateLimit Config::*field; };
struct Listeners { bool tls; };  // the entries of Config::listen with this tls flag
struct Urls { std::vector<std::string> Config::*field; };  // relay URLs (relay_url.hpp)
struct Backend { std::string Config::*field; };  // "lmdb" or "postgres"
struct Networks { std::vector<std::string> Config::*field; };  // IP addresses or CIDR blocks
struct Addresses { std::vector<std::string> Config::*field; bool host_port; };  // relay URLs with a host (or HOST:PORT)

using Target =
    std::variant<Text, Pubkey, Flag, Count, Cap, Threads, Seconds, Duration, Pubkeys, Kinds, Rate, Listeners, Urls, Backend,
                 Networks, Addresses>;

struct Key {
    std::string_view section, name;
    Target target;
    std::string_view doc;
    // For keys whose default is "not set": an example value, shown commented out.
    std::string_view example = {};
};

struct Section {
    std::string_view name, doc;
};

// clang-format off
constexpr Section kSections[] = {
    {"relay", "Where the relay keeps its data and where it listens."},
    {"store", "Where events are stored: LMDB in data_dir (one machine), or PostgreSQL shared by several relay frontends (docs/scale-out.md)."},
    {"info", "The NIP-11 relay information document."},
    {"limits", "Sizes and counts a client may not exceed. Durations are in seconds."},
    {"auth", "NIP-42 authentication. A wsn client counts as authenticated as the key it presented in the handshake."},
    {"policy", "Who may write what. Pubkeys are 64 lowercase hex characters."},
    {"rate_limits", "Token buckets: per_second tokens are added up to burst; each message takes one. per_second = 0 turns a limit off."},
    {"sync", "NIP-77 negentropy set reconciliation (wsn sync, strfry sync, nostr-tools): what one sync may cost (docs/sync.md)."},
    {"management", "The NIP-86 management API (POST to the relay's URL, Content-Type application/nostr+json+rpc, NIP-98 Authorization; wsn admin). Off while no admin is listed."},
    {"announce", "The relay's signed address announcement (kind 11111), so that clients find it by its key alone wherever it moves (docs/discovery.md). On when directories, addresses or onion is set."},
    {"threads", "Thread counts."},
};

const Key kKeys[] = {
    {"relay", "data_dir", Text{&Config::data_dir}, "Folder for the relay key and, with the LMDB store, the database (created on first start)."},
    {"relay", "key_file", Text{&Config::key_file}, "The relay's secret key file, generated with mode 0600 on first start. Empty: <data_dir>/relay.key."},
    {"relay", "listen", Listeners{false}, "Plain listeners, \"ADDR:PORT\" or \"[V6]:PORT\"; each serves wsn and ws (and HTTP). With neither listen nor listen_tls set: 0.0.0.0:7447 and [::]:7447.", R"(["0.0.0.0:7447", "[::]:7447"])"},
    {"relay", "listen_tls", Listeners{true}, "TLS listeners, serving wsns and wss; they need tls_cert and tls_key.", R"(["0.0.0.0:7448"])"},
    {"relay", "tls_cert", Text{&Config::tls_cert}, "PEM certificate chain for the TLS listeners. It never stands for the relay's identity, which is its key.", R"("/etc/wsn/fullchain.pem")"},
    {"relay", "tls_key", Text{&Config::tls_key}, "PEM private key of tls_cert.", R"("/etc/wsn/privkey.pem")"},
    {"relay", "allow_plaintext", Flag{&Config::allow_plaintext}, "Serve ws/wss clients (plain NIP-01, no wsn.v1 handshake) as well as wsn/wsns."},
    {"relay", "map_size_mib", Count{&Config::map_size_mib}, "The most the database file may grow to, in MiB (LMDB's map size: address space, not disk, until used). When it is reached, new events are refused with \"error: storage full\"."},
    {"relay", "public_urls", Urls{&Config::public_urls}, "The ws:// and wss:// URLs clients reach the relay at. A NIP-42 AUTH event's relay tag must name one of them (compared without case in scheme and host, default port or trailing slash). Unset: any relay tag is accepted.", R"(["wss://relay.example.com"])"},

    {"relay", "real_ip_header", Text{&Config::real_ip_header}, "Behind a reverse proxy: the request header that carries the client's address, such as X-Forwarded-For or X-Real-IP. It is believed only from trusted_proxies, read from its right end (the hop your proxy added), skipping hops that are trusted proxies too; rate limits, IP blocks and logs then use the client's address.", R"("X-Forwarded-For")"},
    {"relay", "trusted_proxies", Networks{&Config::trusted_proxies}, "Addresses or CIDR blocks of your reverse proxies (IPv4 or IPv6), whose real_ip_header is believed. Empty: none, the header is ignored.", R"(["127.0.0.1", "::1", "10.0.0.0/8"])"},

    {"store", "backend", Backend{&Config::store_backend}, "\"lmdb\" or \"postgres\"."},
    {"store", "url", Text{&Config::store_url}, "PostgreSQL: the primary, as a libpq URL. A password is better kept in ~/.pgpass or PGPASSWORD than here.", R"("postgresql://wsn@db.example.com/wsn")"},
    {"store", "read_url", Text{&Config::store_read_url}, "PostgreSQL: a streaming replica for REQ and COUNT. A frontend still sees its own writes: it reads from the primary while the replica is behind them.", R"("postgresql://wsn@replica.example.com/wsn")"},
    {"store", "timeout", Duration{&Config::store_timeout}, "PostgreSQL: seconds one statement may take (a query step, a write batch, a feed read). Past it PostgreSQL cancels it, or, if the server does not answer at all, the connection is dropped and made again; the client gets an error reason meanwhile. 0: no bound."},
    {"store", "pool_size", Count{&Config::store_pool_size}, "PostgreSQL: connections per frontend for queries (to each of url and read_url), besides one for the writer and one that listens for new events."},

    {"info", "name", Text{&Config::name}, "Relay name (NIP-11 name); keep it under 30 characters."},
    {"info", "description", Text{&Config::description}, "Plain-text description (NIP-11 description)."},
    {"info", "contact", Text{&Config::contact}, "An alternative contact URI such as mailto: or https: (NIP-11 contact)."},
    {"info", "icon", Text{&Config::icon}, "URL of a square image (NIP-11 icon)."},
    {"info", "landing_page", Flag{&Config::landing_page}, "Answer a browser's GET / (Accept: text/html) with the relay's own page: name, description, its wsn addresses with QR codes, the plain URLs, supported NIPs, limits and live figures (polled from /live.json). Off: browsers get 404 there; NIP-11 and /metrics are unchanged."},
    {"info", "software", Text{&Config::software}, "URL of the relay software's project page (NIP-11 software). Unset: not shown.", R"("https://git.example.org/wsn")"},
    {"info", "pubkey", Pubkey{&Config::operator_pubkey}, "The operator's own pubkey, hex (NIP-11 pubkey); not the relay's key, which NIP-11 shows as self.", R"("79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798")"},

    {"limits", "max_message_bytes", Count{&Config::max_message_bytes}, "Largest client message (one WebSocket message), in bytes."},
    {"limits", "max_subscriptions", Count{&Config::max_subscriptions}, "Open subscriptions per connection."},
    {"limits", "max_filters", Count{&Config::max_filters}, "Filters in one REQ or COUNT."},
    {"limits", "max_limit", Count{&Config::max_limit}, "Cap on a filter's limit, and the limit of a filter without one."},
    {"limits", "max_event_bytes", Count{&Config::max_event_bytes}, "Largest event JSON, in bytes."},
    {"limits", "max_event_tags", Count{&Config::max_event_tags}, "Most tags in one event."},
    {"limits", "max_content_bytes", Count{&Config::max_content_bytes}, "Largest event content, in UTF-8 bytes."},
    {"limits", "max_future_seconds", Seconds{&Config::max_future_seconds}, "Events dated more than this many seconds ahead are refused."},
    {"limits", "handshake_timeout", Duration{&Config::handshake_timeout}, "Seconds a connection may take to finish its WebSocket upgrade and wsn handshake."},
    {"limits", "idle_timeout", Duration{&Config::idle_timeout}, "Seconds without traffic before a connection is closed (a ping goes out after half of it)."},
    {"limits", "max_connections", Cap{&Config::max_connections}, "Open connections, all clients together; lowered at start to what the open-file limit allows (raised to its hard limit) less 128 descriptors. Past it a new connection is closed at once. 0: only the open-file limit."},
    {"limits", "max_connections_per_ip", Cap{&Config::max_connections_per_ip}, "Open connections from one IPv4 address or one IPv6 /64. Past it a new connection from there is closed at once. 0: no cap."},
    {"limits", "max_queries_in_flight", Count{&Config::max_queries_in_flight}, "REQs still sending stored events and COUNTs not yet answered, at once on one connection. One more is answered CLOSED \"rate-limited: too many queries in flight ...\"."},
    {"limits", "max_query_cost", Cap{&Config::max_query_cost}, "Index steps (cursor moves and event reads; PostgreSQL: rows) one REQ or COUNT may take. Past it the query ends with CLOSED \"blocked: query too expensive ...\". 0: no cap."},
    {"limits", "max_output_mib", Cap{&Config::max_output_mib}, "MiB queued for sending on all connections together. Past it a connection holding more than 1 MiB of it is closed as a slow reader. 0: no cap."},
    {"limits", "max_input_kib_per_connection", Count{&Config::max_input_kib_per_connection}, "KiB of one connection's messages received and not yet handled (each counts 128 bytes more than its size). Past it the relay stops reading that connection until half of it is handled: the client is slowed down by TCP, nothing is dropped, no other client waits."},
    {"limits", "max_input_mib", Cap{&Config::max_input_mib}, "MiB of received messages not yet handled, all connections together. Past it every connection holding more than 64 KiB of it is paused the same way. 0: no cap."},

    {"auth", "required_for_read", Flag{&Config::auth_required_read}, "REQ and COUNT need an authenticated connection."},
    {"auth", "required_for_write", Flag{&Config::auth_required_write}, "EVENT needs an authenticated connection."},
    {"auth", "private_kinds", Kinds{&Config::private_kinds}, "Kinds served only to a connection authenticated as the event's author or as a pubkey it p-tags (NIP-04 DMs, NIP-59 gift wraps); nobody else sees them in any REQ, live feed or COUNT. Empty: none."},

    {"policy", "allow_pubkeys", Pubkeys{&Config::allow_pubkeys}, "Only these authors may publish. Empty: everyone."},
    {"policy", "deny_pubkeys", Pubkeys{&Config::deny_pubkeys}, "These authors may not publish."},
    {"policy", "allow_kinds", Kinds{&Config::allow_kinds}, "Only these kinds are accepted. Empty: every kind."},
    {"policy", "deny_kinds", Kinds{&Config::deny_kinds}, "These kinds are refused."},
    {"policy", "plugin", Text{&Config::write_policy_plugin}, "Write-policy command, run with /bin/sh -c: one JSON line in per event, one answer line out (see docs/relay.md).", R"("/etc/wsn/policy.py")"},
    {"policy", "plugin_timeout", Duration{&Config::write_policy_timeout}, "Seconds the plugin has to answer one event; then the event is refused and the plugin restarted."},

    {"sync", "max_sessions", Count{&Config::sync_max_sessions}, "Negentropy sessions (NEG-OPEN) open at once on one connection; past it NEG-OPEN is answered NEG-ERR \"blocked: ...\"."},
    {"sync", "max_records", Count{&Config::sync_max_records}, "Events one sync may cover (its filter's matches); past it NEG-ERR \"blocked: ...\". Each costs 72 bytes of memory while the session is open."},
    {"sync", "idle_timeout", Duration{&Config::sync_idle_timeout}, "Seconds a session may wait for the client's next NEG-MSG; then it is closed with NEG-ERR \"closed: ...\"."},
    {"sync", "frame_size", Count{&Config::sync_frame_size}, "Largest negentropy message the relay sends, in bytes (hex-encoded in NEG-MSG, so the JSON is about twice as long); at least 4096."},

    {"rate_limits", "events_per_ip", Rate{&Config::events_per_ip}, "EVENT messages per client IP address."},
    {"rate_limits", "events_per_pubkey", Rate{&Config::events_per_pubkey}, "EVENT messages per event author."},
    {"rate_limits", "reqs_per_ip", Rate{&Config::reqs_per_ip}, "REQ and COUNT messages per client IP address."},

    {"management", "admins", Pubkeys{&Config::admins}, "Pubkeys (hex) allowed to call the management API: ban and allow pubkeys, events, kinds and IPs, rename the relay. Changes apply at once and are kept in the store.", R"(["79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"])"},
    {"announce", "directories", Addresses{&Config::announce_directories, false}, "Relays to publish the announcement to, any scheme: ws://, wss://, or wsn:// and wsns:// with a host (another wsn relay). Each is retried on failure, from 5 s doubling to 15 min.", R"(["wss://directory.example.org", "wsn://npub10xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqpkge6d@198.51.100.4:7447"])"},
    {"announce", "addresses", Addresses{&Config::announce_addresses, true}, "The addresses to announce, in the order clients should try them: wsn:// or wsns:// URIs (with this relay's key, or none), ws:// or wss:// URLs, or HOST:PORT for wsn. Unset: the listen addresses reachable from elsewhere (the machine's interface addresses for 0.0.0.0 and [::]; loopback ones only when there are no others).", R"(["203.0.113.7:7447", "wss://relay.example.com/nostr"])"},
    {"announce", "onion", Text{&Config::announce_onion}, "A Tor onion address of this relay, \"<56 base32>.onion:PORT\", announced after the others (clients use it only through SOCKS5).", R"("duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion:7447")"},
    {"announce", "interval", Seconds{&Config::announce_interval}, "Seconds between announcements: a new one is signed and published this long after the last (and at once at start when the addresses changed). At least 60, less than expiry."},
    {"announce", "expiry", Seconds{&Config::announce_expiry}, "Seconds an announcement stays valid (its NIP-40 expiration), bounding how long a stale one can mislead."},

    {"threads", "verifiers", Threads{&Config::verifier_threads}, "Threads that parse and verify client messages. 0: one per core."},
    {"threads", "queries", Threads{&Config::query_threads}, "Threads that answer REQ and COUNT from the store; each connection's queries run on one of them. 0: one per core."},
    {"threads", "io", Threads{&Config::io_threads}, "Threads that run the sockets: TLS, WebSocket, the wsn handshake and encryption, sending to subscribers. 0: one per core."},
};
// clang-format on

// ---- reading ----

std::string type_name(const toml::node& n) {
    switch (n.type()) {
        case toml::node_type::string: return "a string";
        case toml::node_type::integer: return "an integer";
        case toml::node_type::floating_point: return "a float";
        case toml::node_type::boolean: return "a boolean";
        case toml::node_type::array: return "an array";
        case toml::node_type::table: return "a table";
        default: return "a date/time";
    }
}

std::optional<double> number_of(const toml::node& n) {
    if (auto i = n.value_exact<int64_t>()) return double(*i);
    if (auto f = n.value_exact<double>()) return *f;
    return std::nullopt;
}

// Reads one value into cfg; on failure sets `error` to a message naming the key.
struct Reader {
    const toml::node& node;
    Config& cfg;
    std::string key;    // "limits.max_filters"
    std::string where;  // " in wsn.toml (line 3)"
    std::string error;

    bool fail(std::string_view expected, const toml::node* got = nullptr, std::string_view name_suffix = {}) {
        const toml::node& n = got ? *got : node;
        error = "bad value for '" + key + std::string(name_suffix) + "'" + where + ": expected " + std::string(expected) +
                ", got " + type_name(n);
        return false;
    }

    bool operator()(const Text& t) {
        auto s = node.value_exact<std::string>();
        if (!s) return fail("a string");
        cfg.*t.field = *s;
        return true;
    }
    bool operator()(const Backend& t) {
        auto s = node.value_exact<std::string>();
        if (!s || (*s != "lmdb" && *s != "postgres")) return fail("\"lmdb\" or \"postgres\"");
        cfg.*t.field = *s;
        return true;
    }
    bool operator()(const Pubkey& t) {
        auto s = node.value_exact<std::string>();
        if (!s || !(s->empty() || is_lower_hex(*s, 32))) return fail("a pubkey as 64 lowercase hex characters");
        cfg.*t.field = *s;
        return true;
    }
    bool operator()(const Flag& t) {
        auto b = node.value_exact<bool>();
        if (!b) return fail("true or false");
        cfg.*t.field = *b;
        return true;
    }
    bool operator()(const Count& t) {
        auto i = node.value_exact<int64_t>();
        if (!i || *i < 1) return fail("a positive integer");
        cfg.*t.field = size_t(*i);
        return true;
    }
    bool operator()(const Cap& t) {
        auto i = node.value_exact<int64_t>();
        if (!i || *i < 0) return fail("a non-negative integer (0: no cap)");
        cfg.*t.field = size_t(*i);
        return true;
    }
    bool operator()(const Threads& t) {
        auto i = node.value_exact<int64_t>();
        if (!i || *i < 0 || *i > 1024) return fail("an integer from 0 to 1024");
        cfg.*t.field = unsigned(*i);
        return true;
    }
    bool operator()(const Seconds& t) {
        auto i = node.value_exact<int64_t>();
        if (!i || *i < 0) return fail("a non-negative integer (seconds)");
        cfg.*t.field = *i;
        return true;
    }
    bool operator()(const Duration& t) {
        auto v = number_of(node);
        if (!v || !(*v >= 0 && *v <= 86400)) return fail("a number of seconds from 0 to 86400");
        cfg.*t.field = std::chrono::milliseconds(std::llround(*v * 1000));
        return true;
    }
    bool operator()(const Pubkeys& t) {
        std::vector<std::string> out;
        bool ok = each_element("a pubkey as 64 lowercase hex characters", [&](const toml::node& e) {
            auto s = e.value_exact<std::string>();
            if (!s || !is_lower_hex(*s, 32)) return false;
            out.push_back(*s);
            return true;
        });
        if (ok) cfg.*t.field = std::move(out);
        return ok;
    }
    bool operator()(const Kinds& t) {
        std::vector<uint16_t> out;
        bool ok = each_element("a kind, an integer from 0 to 65535", [&](const toml::node& e) {
            auto i = e.value_exact<int64_t>();
            if (!i || *i < 0 || *i > 65535) return false;
            out.push_back(uint16_t(*i));
            return true;
        });
        if (ok) cfg.*t.field = std::move(out);
        return ok;
    }
    bool operator()(const Listeners& t) {
        std::vector<net::ListenAddress> out;
        std::string bad;
        bool ok = each_element("a string \"ADDR:PORT\" or \"[V6]:PORT\"", [&](const toml::node& e) {
            auto s = e.value_exact<std::string>();
            if (!s) return false;
            auto a = net::parse_listen_address(*s);
            if (!a) {
                bad = a.error().message;
                return false;
            }
            a->tls = t.tls;
            out.push_back(*a);
            return true;
        });
        if (!ok && !bad.empty()) error = "bad value for '" + key + "'" + where + ": " + bad;
        if (!ok) return false;
        std::erase_if(cfg.listen, [&](const net::ListenAddress& a) { return a.tls == t.tls; });
        cfg.listen.insert(cfg.listen.end(), out.begin(), out.end());
        return true;
    }
    bool operator()(const Urls& t) {
        return checked_strings(t.field, "a URL string such as \"wss://relay.example.com\"",
                               [](const std::string& v) -> Status {
                                   if (auto n = normalize_relay_url(v); !n) return n.error();
                                   return Ok{};
                               });
    }
    bool operator()(const Addresses& t) {
        return checked_strings(t.field, t.host_port ? "a relay URL, or HOST:PORT" : "a relay URL such as \"wss://relay.example.com\"",
                               [&](const std::string& v) -> Status {
                                   if (t.host_port && v.find("://") == std::string::npos) {
                                       if (auto hp = parse_host_port(v); !hp) return hp.error();
                                       return Ok{};
                                   }
                                   auto a = parse_relay_url(v);
                                   if (!a) return a.error();
                                   if (a->key_only()) return err("'" + v + "' has no host");
                                   return Ok{};
                               });
    }
    bool operator()(const Networks& t) {
        return checked_strings(t.field, "an IP address or CIDR block such as \"10.0.0.0/8\"",
                               [](const std::string& v) -> Status {
                                   if (auto n = parse_ip_network(v); !n) return n.error();
                                   return Ok{};
                               });
    }
    // An array of strings, each passing check (whose error is shown as is).
    template <class Check>
    bool checked_strings(std::vector<std::string> Config::*field, std::string_view expected, Check check) {
        std::vector<std::string> out;
        std::string bad;
        bool ok = each_element(expected, [&](const toml::node& e) {
            auto s = e.value_exact<std::string>();
            if (!s) return false;
            if (Status c = check(*s); !c) {
                bad = c.error().message;
                return false;
            }
            out.push_back(*s);
            return true;
        });
        if (!ok && !bad.empty()) error = "bad value for '" + key + "'" + where + ": " + bad;
        if (ok) cfg.*field = std::move(out);
        return ok;
    }
    bool operator()(const Rate& t) {
        const toml::table* tbl = node.as_table();
        if (!tbl) return fail("a table { per_second = N, burst = N }");
        RateLimit r = cfg.*t.field;
        for (auto&& [k, v] : *tbl) {
            std::string sub = "." + std::string(k.str());
            double* dst = k == "per_second" ? &r.per_second : k == "burst" ? &r.burst : nullptr;
            if (!dst) {
                error = "unknown key '" + key + sub + "'" + where + " (expected per_second or burst)";
                return false;
            }
            auto n = number_of(v);
            if (!n || !(*n >= 0 && *n <= 1e9)) return fail("a number from 0 to 1e9", &v, sub);
            *dst = *n;
        }
        if (r.per_second > 0 && r.burst < 1) {
            error = "bad value for '" + key + "'" + where + ": burst must be at least 1 when per_second is above 0";
            return false;
        }
        cfg.*t.field = r;
        return true;
    }

    // Checks every element with f; on the first it refuses, names it ("relay.listen[2]").
    template <class F>
    bool each_element(std::string_view expected_element, F f) {
        const toml::array* arr = node.as_array();
        if (!arr) return fail("an array");
        for (size_t i = 0; i < arr->size(); ++i)
            if (!f(*arr->get(i))) return fail(expected_element, arr->get(i), "[" + std::to_string(i) + "]");
        return true;
    }
};

const Key* find_key(std::string_view section, std::string_view name) {
    for (const Key& k : kKeys)
        if (k.section == section && k.name == name) return &k;
    return nullptr;
}

bool known_section(std::string_view name) {
    for (const Section& s : kSections)
        if (s.name == name) return true;
    return false;
}

std::string where(const std::string& path, const toml::node& n) {
    return " in " + path + " (line " + std::to_string(n.source().begin.line) + ")";
}

Status load_table(const toml::table& doc, const std::string& path, Config& cfg) {
    for (auto&& [sname, snode] : doc) {
        std::string section(sname.str());
        if (!known_section(section)) return err("unknown key '" + section + "'" + where(path, snode));
        const toml::table* tbl = snode.as_table();
        if (!tbl) return err("'" + section + "'" + where(path, snode) + ": expected a table [" + section + "]");
        for (auto&& [kname, knode] : *tbl) {
            std::string full = section + "." + std::string(kname.str());
            const Key* key = find_key(section, kname.str());
            if (!key) return err("unknown key '" + full + "'" + where(path, knode));
            Reader r{knode, cfg, full, where(path, knode), {}};
            if (!std::visit(r, key->target)) return err(r.error);
        }
    }
    return Ok{};
}

// ---- writing ----

std::string number_text(double v) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

std::string toml_text(const toml::node& n) {
    std::ostringstream os;
    os << toml::toml_formatter(n, toml::format_flags::none);
    return os.str();
}

std::string string_text(const std::string& s) { return toml_text(toml::value<std::string>(s)); }

std::string listen_text(const net::ListenAddress& a) {
    return format_host_port(a.host, a.port);
}

// The TOML text of the key's value in cfg; "" when unset (then the example is shown).
struct Writer {
    const Config& cfg;

    std::string operator()(const Text& t) { return string_text(cfg.*t.field); }
    std::string operator()(const Backend& t) { return string_text(cfg.*t.field); }
    std::string operator()(const Pubkey& t) { return (cfg.*t.field).empty() ? "" : string_text(cfg.*t.field); }
    std::string operator()(const Flag& t) { return cfg.*t.field ? "true" : "false"; }
    std::string operator()(const Count& t) { return std::to_string(cfg.*t.field); }
    std::string operator()(const Cap& t) { return std::to_string(cfg.*t.field); }
    std::string operator()(const Threads& t) { return std::to_string(cfg.*t.field); }
    std::string operator()(const Seconds& t) { return std::to_string(cfg.*t.field); }
    std::string operator()(const Duration& t) { return number_text((cfg.*t.field).count() / 1000.0); }
    std::string operator()(const Pubkeys& t) { return list(cfg.*t.field, [](const std::string& s) { return string_text(s); }); }
    std::string operator()(const Kinds& t) { return list(cfg.*t.field, [](uint16_t k) { return std::to_string(k); }); }
    std::string operator()(const Listeners& t) {
        std::vector<std::string> v;
        for (const auto& a : cfg.listen)
            if (a.tls == t.tls) v.push_back(string_text(listen_text(a)));
        return v.empty() ? "" : list(v, [](const std::string& s) { return s; });
    }
    std::string operator()(const Urls& t) {
        const auto& v = cfg.*t.field;
        return v.empty() ? "" : list(v, [](const std::string& s) { return string_text(s); });
    }
    std::string operator()(const Addresses& t) {
        const auto& v = cfg.*t.field;
        return v.empty() ? "" : list(v, [](const std::string& s) { return string_text(s); });
    }
    std::string operator()(const Networks& t) {
        const auto& v = cfg.*t.field;
        return v.empty() ? "" : list(v, [](const std::string& s) { return string_text(s); });
    }
    std::string operator()(const Rate& t) {
        const RateLimit& r = cfg.*t.field;
        return "{ per_second = " + number_text(r.per_second) + ", burst = " + number_text(r.burst) + " }";
    }

    template <class V, class F>
    static std::string list(const V& v, F f) {
        std::string out = "[";
        for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + f(v[i]);
        return out + "]";
    }
};

}  // namespace

std::vector<net::ListenAddress> default_listeners() {
    return {{"0.0.0.0", kDefaultPort, false}, {"::", kDefaultPort, false}};
}

void complete_defaults(Config& cfg) {
    if (cfg.key_file.empty()) cfg.key_file = (std::filesystem::path(cfg.data_dir) / kKeyFileName).string();
    if (cfg.listen.empty()) cfg.listen = default_listeners();
}

Status load_config_file(const std::string& path, Config& cfg) {
    toml::table doc;
    try {
        doc = toml::parse_file(path);
    } catch (const toml::parse_error& e) {
        const auto& b = e.source().begin;
        return err(path + ":" + std::to_string(b.line) + ":" + std::to_string(b.column) + ": " +
                   std::string(e.description()));
    }
    // Work on a copy: a file with an error changes nothing.
    Config next = cfg;
    if (auto s = load_table(doc, path, next); !s) return s;
    cfg = std::move(next);
    return Ok{};
}

std::string example_config() {
    const Config defaults;
    std::string out =
        "# wsn relay configuration (`wsn relay --config FILE`).\n"
        "# Every key is optional and shown with its default; commented-out keys are unset by default\n"
        "# and show an example value. Command-line flags override this file.\n";
    for (const Section& s : kSections) {
        out += "\n[" + std::string(s.name) + "]\n# " + std::string(s.doc) + "\n";
        for (const Key& k : kKeys) {
            if (k.section != s.name) continue;
            std::string value = std::visit(Writer{defaults}, k.target);
            bool unset = !k.example.empty() && (value.empty() || value == "\"\"" || value == "''");
            out += "\n# " + std::string(k.doc) + "\n";
            if (unset) out += "# ";
            out += std::string(k.name) + " = " + (unset ? std::string(k.example) : value) + "\n";
        }
    }
    return out;
}

}  // namespace wsn::relay
