// The config file: every key loads, errors name the key and the line, a failed load
// changes nothing, and example_config() (docs/wsn.toml) reads back to the defaults.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "relay/config.hpp"

using namespace wsn;
using namespace wsn::relay;
namespace fs = std::filesystem;

namespace {

const std::string kHexA = "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
const std::string kHexB = "c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5";

class ConfigFile : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("wsn-config-test-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::string write(const std::string& text, const std::string& name = "wsn.toml") {
        std::string p = (dir_ / name).string();
        std::ofstream(p) << text;
        return p;
    }
    Status load(const std::string& text, Config& cfg) { return load_config_file(write(text), cfg); }

    fs::path dir_;
};

std::string read_file(const fs::path& p) {
    std::ifstream f(p);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

std::string listen_str(const std::vector<net::ListenAddress>& v) {
    std::string s;
    for (auto& a : v) s += a.host + "|" + std::to_string(a.port) + (a.tls ? "|tls " : " ");
    return s;
}

// Field by field, so a new field shows up here as a compile-time reminder nowhere,
// but a wrong default or a key that loads into the wrong field shows as a failure.
void expect_same(const Config& a, const Config& b) {
    EXPECT_EQ(a.data_dir, b.data_dir);
    EXPECT_EQ(a.key_file, b.key_file);
    EXPECT_EQ(listen_str(a.listen), listen_str(b.listen));
    EXPECT_EQ(a.tls_cert, b.tls_cert);
    EXPECT_EQ(a.tls_key, b.tls_key);
    EXPECT_EQ(a.allow_plaintext, b.allow_plaintext);
    EXPECT_EQ(a.public_urls, b.public_urls);
    EXPECT_EQ(a.map_size_mib, b.map_size_mib);
    EXPECT_EQ(a.software, b.software);
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.description, b.description);
    EXPECT_EQ(a.contact, b.contact);
    EXPECT_EQ(a.icon, b.icon);
    EXPECT_EQ(a.landing_page, b.landing_page);
    EXPECT_EQ(a.operator_pubkey, b.operator_pubkey);
    EXPECT_EQ(a.max_message_bytes, b.max_message_bytes);
    EXPECT_EQ(a.max_subscriptions, b.max_subscriptions);
    EXPECT_EQ(a.max_filters, b.max_filters);
    EXPECT_EQ(a.max_limit, b.max_limit);
    EXPECT_EQ(a.max_event_bytes, b.max_event_bytes);
    EXPECT_EQ(a.max_event_tags, b.max_event_tags);
    EXPECT_EQ(a.max_content_bytes, b.max_content_bytes);
    EXPECT_EQ(a.max_future_seconds, b.max_future_seconds);
    EXPECT_EQ(a.handshake_timeout, b.handshake_timeout);
    EXPECT_EQ(a.idle_timeout, b.idle_timeout);
    EXPECT_EQ(a.auth_required_read, b.auth_required_read);
    EXPECT_EQ(a.auth_required_write, b.auth_required_write);
    EXPECT_EQ(a.allow_pubkeys, b.allow_pubkeys);
    EXPECT_EQ(a.deny_pubkeys, b.deny_pubkeys);
    EXPECT_EQ(a.allow_kinds, b.allow_kinds);
    EXPECT_EQ(a.deny_kinds, b.deny_kinds);
    EXPECT_EQ(a.write_policy_plugin, b.write_policy_plugin);
    EXPECT_EQ(a.write_policy_timeout, b.write_policy_timeout);
    for (auto [x, y] : {std::pair{a.events_per_ip, b.events_per_ip}, {a.events_per_pubkey, b.events_per_pubkey},
                        {a.reqs_per_ip, b.reqs_per_ip}}) {
        EXPECT_EQ(x.per_second, y.per_second);
        EXPECT_EQ(x.burst, y.burst);
    }
    EXPECT_EQ(a.verifier_threads, b.verifier_threads);
}

// "section.key" for every key line of the example, commented out or not.
std::set<std::string> example_keys() {
    std::set<std::string> keys;
    std::istringstream in(example_config());
    std::string line, section;
    std::regex sec(R"(^\[([a-z_]+)\]$)"), key(R"(^(# )?([a-z_]+) = .*)");
    std::smatch m;
    while (std::getline(in, line)) {
        if (std::regex_match(line, m, sec)) section = m[1];
        else if (std::regex_match(line, m, key)) keys.insert(section + "." + std::string(m[2]));
    }
    return keys;
}

const char* kEveryKey = R"(
[relay]
data_dir = "/var/lib/wsn"
key_file = "/etc/wsn/key"
listen = ["127.0.0.1:9000", "[::1]:9001"]
listen_tls = ["0.0.0.0:443"]
tls_cert = "cert.pem"
tls_key = "key.pem"
allow_plaintext = false
public_urls = ["wss://relay.example.com", "ws://127.0.0.1:7447/"]
map_size_mib = 4096
real_ip_header = "X-Real-IP"
trusted_proxies = ["10.0.0.0/8", "::1"]

[store]
backend = "postgres"
url = "postgresql://wsn@db/wsn"
read_url = "postgresql://wsn@replica/wsn"
pool_size = 9
timeout = 2.5

[info]
name = "Test \"relay\""
description = "Line one\n\nLine two"
contact = "mailto:op@example.com"
icon = "https://example.com/i.png"
pubkey = "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
software = "https://git.example.org/wsn"
landing_page = false

[limits]
max_message_bytes = 1000
max_subscriptions = 2
max_filters = 3
max_limit = 4
max_event_bytes = 5
max_event_tags = 6
max_content_bytes = 7
max_future_seconds = 8
handshake_timeout = 2.5
idle_timeout = 60
max_connections = 500
max_connections_per_ip = 0
max_output_mib = 64
max_input_kib_per_connection = 9
max_input_mib = 0
max_queries_in_flight = 7
max_query_cost = 0

[auth]
required_for_read = true
required_for_write = true
private_kinds = [4, 1059, 14]

[policy]
allow_pubkeys = ["79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"]
deny_pubkeys = ["c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5"]
allow_kinds = [0, 1, 65535]
deny_kinds = [4]
plugin = "python3 /x/policy.py --strict"
plugin_timeout = 0.5

[rate_limits]
events_per_ip = { per_second = 0.5, burst = 3 }
events_per_pubkey = { per_second = 0, burst = 0 }
reqs_per_ip = { per_second = 100, burst = 1000 }

[sync]
max_sessions = 2
max_records = 5000
idle_timeout = 30
frame_size = 8192
[management]
admins = ["79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"]
[announce]
directories = ["ws://127.0.0.1:7000"]
addresses = ["203.0.113.7:7447"]
onion = "duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion:7447"
interval = 3600
expiry = 86400
[threads]
verifiers = 3
queries = 4
io = 2
)";

}  // namespace

TEST_F(ConfigFile, EveryKeyLoads) {
    Config c;
    ASSERT_TRUE(load(kEveryKey, c).ok()) << load(kEveryKey, c).error().message;
    EXPECT_EQ(c.data_dir, "/var/lib/wsn");
    EXPECT_EQ(c.key_file, "/etc/wsn/key");
    EXPECT_EQ(listen_str(c.listen), "127.0.0.1|9000 ::1|9001 0.0.0.0|443|tls ");
    EXPECT_EQ(c.tls_cert, "cert.pem");
    EXPECT_EQ(c.tls_key, "key.pem");
    EXPECT_FALSE(c.allow_plaintext);
    EXPECT_EQ(c.public_urls, (std::vector<std::string>{"wss://relay.example.com", "ws://127.0.0.1:7447/"}));
    EXPECT_EQ(c.map_size_mib, 4096u);
    EXPECT_EQ(c.real_ip_header, "X-Real-IP");
    EXPECT_EQ(c.trusted_proxies, (std::vector<std::string>{"10.0.0.0/8", "::1"}));
    EXPECT_EQ(c.store_backend, "postgres");
    EXPECT_EQ(c.store_url, "postgresql://wsn@db/wsn");
    EXPECT_EQ(c.store_read_url, "postgresql://wsn@replica/wsn");
    EXPECT_EQ(c.store_pool_size, 9u);
    EXPECT_EQ(c.store_timeout, std::chrono::milliseconds(2500));
    EXPECT_EQ(c.software, "https://git.example.org/wsn");
    EXPECT_EQ(c.name, "Test \"relay\"");
    EXPECT_EQ(c.description, "Line one\n\nLine two");
    EXPECT_EQ(c.contact, "mailto:op@example.com");
    EXPECT_EQ(c.icon, "https://example.com/i.png");
    EXPECT_FALSE(c.landing_page);
    EXPECT_EQ(c.operator_pubkey, kHexA);
    EXPECT_EQ(c.max_message_bytes, 1000u);
    EXPECT_EQ(c.max_subscriptions, 2u);
    EXPECT_EQ(c.max_filters, 3u);
    EXPECT_EQ(c.max_limit, 4u);
    EXPECT_EQ(c.max_event_bytes, 5u);
    EXPECT_EQ(c.max_event_tags, 6u);
    EXPECT_EQ(c.max_content_bytes, 7u);
    EXPECT_EQ(c.max_future_seconds, 8);
    EXPECT_EQ(c.handshake_timeout, std::chrono::milliseconds(2500));
    EXPECT_EQ(c.idle_timeout, std::chrono::milliseconds(60000));
    EXPECT_EQ(c.max_connections, 500u);
    EXPECT_EQ(c.max_connections_per_ip, 0u);  // 0: no cap, unlike the counts above
    EXPECT_EQ(c.max_output_mib, 64u);
    EXPECT_EQ(c.max_input_kib_per_connection, 9u);
    EXPECT_EQ(c.max_input_mib, 0u);  // 0: no cap
    EXPECT_EQ(c.max_queries_in_flight, 7u);
    EXPECT_EQ(c.max_query_cost, 0u);  // 0: no cap
    EXPECT_TRUE(c.auth_required_read);
    EXPECT_TRUE(c.auth_required_write);
    EXPECT_EQ(c.private_kinds, (std::vector<uint16_t>{4, 1059, 14}));
    EXPECT_EQ(c.allow_pubkeys, std::vector<std::string>{kHexA});
    EXPECT_EQ(c.deny_pubkeys, std::vector<std::string>{kHexB});
    EXPECT_EQ(c.allow_kinds, (std::vector<uint16_t>{0, 1, 65535}));
    EXPECT_EQ(c.deny_kinds, std::vector<uint16_t>{4});
    EXPECT_EQ(c.write_policy_plugin, "python3 /x/policy.py --strict");
    EXPECT_EQ(c.write_policy_timeout, std::chrono::milliseconds(500));
    EXPECT_EQ(c.events_per_ip.per_second, 0.5);
    EXPECT_EQ(c.events_per_ip.burst, 3);
    EXPECT_EQ(c.events_per_pubkey.per_second, 0);
    EXPECT_EQ(c.reqs_per_ip.per_second, 100);
    EXPECT_EQ(c.reqs_per_ip.burst, 1000);
    EXPECT_EQ(c.verifier_threads, 3u);
    EXPECT_EQ(c.io_threads, 2u);
    EXPECT_EQ(c.query_threads, 4u);
    EXPECT_EQ(c.sync_max_sessions, 2u);
    EXPECT_EQ(c.sync_max_records, 5000u);
    EXPECT_EQ(c.sync_idle_timeout, std::chrono::milliseconds(30000));
    EXPECT_EQ(c.sync_frame_size, 8192u);
    EXPECT_EQ(c.admins, std::vector<std::string>{kHexA});
    EXPECT_EQ(c.announce_directories, std::vector<std::string>{"ws://127.0.0.1:7000"});
    EXPECT_EQ(c.announce_addresses, std::vector<std::string>{"203.0.113.7:7447"});
    EXPECT_EQ(c.announce_onion, "duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion:7447");
    EXPECT_EQ(c.announce_interval, 3600);
    EXPECT_EQ(c.announce_expiry, 86400);

    // The test above sets every key the example documents, and no other.
    std::set<std::string> set_here;
    std::istringstream in(kEveryKey);
    std::string line, section;
    while (std::getline(in, line)) {
        if (line.starts_with("[")) section = line.substr(1, line.size() - 2);
        else if (auto eq = line.find(" = "); eq != std::string::npos) set_here.insert(section + "." + line.substr(0, eq));
    }
    EXPECT_EQ(set_here, example_keys());
}

TEST_F(ConfigFile, AbsentKeysKeepTheirValue) {
    Config c;
    c.name = "from flags";
    c.max_filters = 99;
    ASSERT_TRUE(load("[limits]\nmax_limit = 10\n[rate_limits]\nreqs_per_ip = { burst = 7 }\n", c).ok());
    EXPECT_EQ(c.name, "from flags");
    EXPECT_EQ(c.max_filters, 99u);
    EXPECT_EQ(c.max_limit, 10u);
    EXPECT_EQ(c.reqs_per_ip.burst, 7);
    EXPECT_EQ(c.reqs_per_ip.per_second, Config{}.reqs_per_ip.per_second);
}

TEST_F(ConfigFile, ListenAndListenTlsReplaceOnlyTheirOwnKind) {
    Config c;
    ASSERT_TRUE(load("[relay]\nlisten = [\"127.0.0.1:1\", \"[::]:2\"]\nlisten_tls = [\"[::1]:3\"]\n", c).ok());
    EXPECT_EQ(listen_str(c.listen), "127.0.0.1|1 ::|2 ::1|3|tls ");
    ASSERT_TRUE(load("[relay]\nlisten_tls = [\"0.0.0.0:4\"]\n", c).ok());
    EXPECT_EQ(listen_str(c.listen), "127.0.0.1|1 ::|2 0.0.0.0|4|tls ");
    ASSERT_TRUE(load("[relay]\nlisten = []\n", c).ok());
    EXPECT_EQ(listen_str(c.listen), "0.0.0.0|4|tls ");
}

TEST_F(ConfigFile, UnknownKeyIsNamedWithFileAndLine) {
    Config c;
    std::string p = write("[limits]\nmax_filters = 3\nmax_fliters = 4\n");
    auto s = load_config_file(p, c);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().message, "unknown key 'limits.max_fliters' in " + p + " (line 3)");
    EXPECT_EQ(c.max_filters, Config{}.max_filters);  // nothing applied from a bad file

    s = load("[limit]\nmax_filters = 3\n", c);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("unknown key 'limit'"), std::string::npos) << s.error().message;
    s = load("name = \"x\"\n", c);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("unknown key 'name'"), std::string::npos) << s.error().message;
    s = load("[rate_limits]\nevents_per_ip = { per_second = 1, brust = 5 }\n", c);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("unknown key 'rate_limits.events_per_ip.brust'"), std::string::npos)
        << s.error().message;
}

TEST_F(ConfigFile, WrongTypeNamesKeyAndExpectedType) {
    struct Case {
        const char* toml;
        const char* expect;
    } cases[] = {
        {"[limits]\nmax_filters = \"16\"\n", "bad value for 'limits.max_filters'"},
        {"[limits]\nmax_filters = \"16\"\n", "expected a positive integer, got a string"},
        {"[limits]\nmax_filters = 0\n", "expected a positive integer, got an integer"},
        {"[limits]\nmax_filters = 1.5\n", "got a float"},
        {"[limits]\nidle_timeout = -1\n", "'limits.idle_timeout'"},
        {"[limits]\nmax_connections_per_ip = -1\n", "a non-negative integer (0: no cap)"},
        {"[limits]\nidle_timeout = \"60s\"\n", "expected a number of seconds"},
        {"[relay]\nallow_plaintext = \"yes\"\n", "'relay.allow_plaintext' in"},
        {"[relay]\nallow_plaintext = 1\n", "expected true or false, got an integer"},
        {"[store]\nbackend = \"mysql\"\n", "bad value for 'store.backend'"},
        {"[relay]\ndata_dir = 5\n", "expected a string, got an integer"},
        {"[info]\npubkey = \"npub1xyz\"\n", "'info.pubkey'"},
        {"[policy]\nallow_kinds = [1, 70000]\n", "'policy.allow_kinds[1]'"},
        {"[policy]\nallow_kinds = 1\n", "expected an array, got an integer"},
        {"[policy]\ndeny_pubkeys = [\"ABCD\"]\n", "'policy.deny_pubkeys[0]'"},
        {"[rate_limits]\nreqs_per_ip = 5\n", "expected a table { per_second = N, burst = N }, got an integer"},
        {"[rate_limits]\nreqs_per_ip = { per_second = \"a\" }\n", "'rate_limits.reqs_per_ip.per_second'"},
        {"[rate_limits]\nreqs_per_ip = { per_second = 5, burst = 0 }\n", "burst must be at least 1"},
        {"[threads]\nverifiers = 5000\n", "'threads.verifiers'"},
        {"relay = 5\n", "expected a table [relay]"},
    };
    for (auto& k : cases) {
        Config c;
        auto s = load(k.toml, c);
        ASSERT_FALSE(s.ok()) << k.toml;
        EXPECT_NE(s.error().message.find(k.expect), std::string::npos) << k.toml << " -> " << s.error().message;
        EXPECT_NE(s.error().message.find("(line "), std::string::npos) << s.error().message;
    }
}

TEST_F(ConfigFile, BadListenAddress) {
    for (const char* bad : {"1.2.3.4", "::1:80", "[::1:80", "localhost:80", "1.2.3.4:99999", "1.2.3.4:", "1.2.3.4:x"}) {
        Config c;
        auto s = load(std::string("[relay]\nlisten = [\"127.0.0.1:1\", \"") + bad + "\"]\n", c);
        ASSERT_FALSE(s.ok()) << bad;
        EXPECT_NE(s.error().message.find("'relay.listen'"), std::string::npos) << s.error().message;
        EXPECT_NE(s.error().message.find(bad), std::string::npos) << s.error().message;
        EXPECT_TRUE(c.listen.empty());
    }
    Config c;
    auto s = load("[relay]\nlisten_tls = [7447]\n", c);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("'relay.listen_tls[0]'"), std::string::npos) << s.error().message;
}

TEST_F(ConfigFile, BadPublicUrlIsNamed) {
    Config c;
    auto s = load("[relay]\npublic_urls = [\"wss://ok.example\", \"relay.example.com\"]\n", c);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("'relay.public_urls'"), std::string::npos) << s.error().message;
    EXPECT_NE(s.error().message.find("relay.example.com"), std::string::npos) << s.error().message;
    EXPECT_TRUE(c.public_urls.empty());
    s = load("[relay]\npublic_urls = [1]\n", c);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("'relay.public_urls[0]'"), std::string::npos) << s.error().message;
}

TEST_F(ConfigFile, TrustedProxiesAreCheckedAddresses) {
    Config c;
    ASSERT_TRUE(load("[relay]\nreal_ip_header = \"X-Forwarded-For\"\ntrusted_proxies = [\"127.0.0.1\", \"fd00::/8\"]\n", c).ok());
    EXPECT_EQ(c.real_ip_header, "X-Forwarded-For");
    EXPECT_EQ(c.trusted_proxies, (std::vector<std::string>{"127.0.0.1", "fd00::/8"}));
    auto s = load("[relay]\ntrusted_proxies = [\"10.0.0.0/40\"]\n", c);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("'relay.trusted_proxies'"), std::string::npos) << s.error().message;
    EXPECT_NE(s.error().message.find("prefix length must be 0 to 32"), std::string::npos) << s.error().message;
}

TEST_F(ConfigFile, SyntaxErrorAndMissingFile) {
    Config c;
    std::string p = write("[limits]\nmax_filters = = 3\n");
    auto s = load_config_file(p, c);
    ASSERT_FALSE(s.ok());
    EXPECT_TRUE(s.error().message.starts_with(p + ":2:")) << s.error().message;

    s = load_config_file((dir_ / "absent.toml").string(), c);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("absent.toml"), std::string::npos) << s.error().message;
}

TEST_F(ConfigFile, ExampleParsesBackToDefaults) {
    Config c;
    auto s = load(example_config(), c);
    ASSERT_TRUE(s.ok()) << s.error().message;
    expect_same(c, Config{});

    // Its commented-out examples are valid too.
    std::string text = std::regex_replace(example_config(), std::regex(R"(\n# ([a-z_]+ = ))"), "\n$1");
    Config e;
    s = load(text, e);
    ASSERT_TRUE(s.ok()) << s.error().message << "\n" << text;
    EXPECT_EQ(listen_str(e.listen), "0.0.0.0|7447 ::|7447 0.0.0.0|7448|tls ");
    EXPECT_FALSE(e.write_policy_plugin.empty());
    EXPECT_FALSE(e.public_urls.empty());
    EXPECT_FALSE(e.software.empty());
}

TEST_F(ConfigFile, DocsAreInSyncWithTheKeyTable) {
    fs::path src = WSN_SOURCE_DIR;
    EXPECT_EQ(read_file(src / "docs/wsn.toml"), example_config())
        << "docs/wsn.toml is stale: regenerate it with example_config() (wsn relay --print-config)";
    std::string doc = read_file(src / "docs/relay.md");
    for (const std::string& k : example_keys())
        EXPECT_NE(doc.find("`" + k + "`"), std::string::npos) << "docs/relay.md does not document " << k;
}
