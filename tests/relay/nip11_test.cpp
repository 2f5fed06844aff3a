// The NIP-11 document parsed back with simdjson: every field, escaping, and the
// fields left out when not configured.
#include <gtest/gtest.h>

#include <simdjson.h>

#include "relay/nip11.hpp"
#include "util/hex.hpp"

using namespace wsn;
using namespace wsn::relay;

namespace {

crypto::XOnlyPubkey key_of(std::string_view hex) {
    crypto::XOnlyPubkey k;
    k.bytes = *from_hex_fixed<32>(hex);
    return k;
}

const std::string kSelf = "c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5";
const std::string kOperator = "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";

}  // namespace

TEST(Nip11, EveryFieldParsesBack) {
    Config cfg;
    cfg.name = "test \"relay\"";
    cfg.description = "line\nnext \\ \x01";
    cfg.contact = "mailto:op@example.com";
    cfg.icon = "https://example.com/i.png";
    cfg.operator_pubkey = kOperator;
    cfg.software = "https://git.example.org/wsn";
    cfg.max_message_bytes = 1000;
    cfg.max_subscriptions = 7;
    cfg.max_filters = 3;
    cfg.max_limit = 321;
    cfg.max_event_tags = 99;
    cfg.max_content_bytes = 5000;
    cfg.max_future_seconds = 600;
    cfg.auth_required_write = true;
    std::vector<std::string> addrs = {"wsn://npub1abc@203.0.113.5:7447", "wsn://npub1abc@[2001:db8::1]:7447"};

    std::string doc = nip11_document(cfg, key_of(kSelf), addrs, "0.1.0");
    simdjson::dom::parser p;
    simdjson::dom::element root;
    ASSERT_EQ(p.parse(doc).get(root), simdjson::SUCCESS) << doc;

    EXPECT_EQ(std::string_view(root["name"]), cfg.name);
    EXPECT_EQ(std::string_view(root["description"]), cfg.description);
    EXPECT_EQ(std::string_view(root["contact"]), cfg.contact);
    EXPECT_EQ(std::string_view(root["icon"]), cfg.icon);
    EXPECT_EQ(std::string_view(root["pubkey"]), kOperator);
    EXPECT_EQ(std::string_view(root["self"]), kSelf);
    EXPECT_EQ(std::string_view(root["software"]), cfg.software);
    EXPECT_EQ(std::string_view(root["version"]), "0.1.0");

    std::vector<int64_t> nips;
    for (auto n : root["supported_nips"].get_array()) nips.push_back(int64_t(n));
    EXPECT_EQ(nips, (std::vector<int64_t>{1, 9, 11, 40, 42, 45, 62, 70, 77, 86}));

    auto lim = root["limitation"];
    EXPECT_EQ(uint64_t(lim["max_message_length"]), 1000u);
    EXPECT_EQ(uint64_t(lim["max_subscriptions"]), 7u);
    EXPECT_EQ(uint64_t(lim["max_filters"]), 3u);
    EXPECT_EQ(uint64_t(lim["max_limit"]), 321u);
    EXPECT_EQ(uint64_t(lim["default_limit"]), 321u);
    EXPECT_EQ(uint64_t(lim["max_subid_length"]), 64u);
    EXPECT_EQ(uint64_t(lim["max_event_tags"]), 99u);
    EXPECT_EQ(uint64_t(lim["max_content_length"]), 5000u);
    EXPECT_EQ(uint64_t(lim["created_at_upper_limit"]), 600u);
    EXPECT_TRUE(bool(lim["auth_required"]));
    EXPECT_TRUE(bool(lim["restricted_writes"]));
    EXPECT_FALSE(bool(lim["payment_required"]));

    std::vector<std::string> got;
    for (auto a : root["wsn"].get_array()) got.emplace_back(std::string_view(a));
    EXPECT_EQ(got, addrs);
}

TEST(Nip11, UnsetFieldsAreLeftOut) {
    Config cfg;  // defaults: no description, contact, icon, operator pubkey or software
    std::string doc = nip11_document(cfg, key_of(kSelf), {});
    simdjson::dom::parser p;
    simdjson::dom::element root;
    ASSERT_EQ(p.parse(doc).get(root), simdjson::SUCCESS) << doc;
    for (const char* k : {"description", "contact", "icon", "pubkey", "software", "version"})
        EXPECT_EQ(root[k].error(), simdjson::NO_SUCH_FIELD) << k;
    EXPECT_EQ(std::string_view(root["name"]), "wsn relay");
    EXPECT_EQ(root["wsn"].get_array().size(), 0u);
    EXPECT_FALSE(bool(root["limitation"]["auth_required"]));
    EXPECT_FALSE(bool(root["limitation"]["restricted_writes"]));
}

TEST(Nip11, RestrictedWritesFollowsAllowListsAndPlugin) {
    auto restricted = [](const Config& c) {
        simdjson::dom::parser p;
        return bool(p.parse(nip11_document(c, key_of(kSelf), {}))["limitation"]["restricted_writes"]);
    };
    Config c;
    c.deny_kinds = {4};  // anti-spam: not a restriction
    EXPECT_FALSE(restricted(c));
    c.allow_kinds = {1};
    EXPECT_TRUE(restricted(c));
    c = Config{};
    c.write_policy_plugin = "./policy.py";
    EXPECT_TRUE(restricted(c));
}

TEST(Nip11, AcceptHeaderAndCors) {
    EXPECT_TRUE(wants_nip11("application/nostr+json"));
    EXPECT_TRUE(wants_nip11("text/html, application/nostr+json;q=0.9"));
    EXPECT_FALSE(wants_nip11("application/json"));
    EXPECT_FALSE(wants_nip11(""));
    auto h = nip11_headers();
    std::vector<std::string> names;
    for (auto& [k, v] : h) names.push_back(k);
    EXPECT_EQ(names, (std::vector<std::string>{"Access-Control-Allow-Origin", "Access-Control-Allow-Headers",
                                               "Access-Control-Allow-Methods"}));
}
