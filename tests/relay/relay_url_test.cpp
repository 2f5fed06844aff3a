// NIP-42 relay tags against the configured public URLs.
#include <gtest/gtest.h>

#include "relay/relay_url.hpp"

namespace wsn::relay {
namespace {

TEST(RelayUrl, NormalizesCaseDefaultPortAndTrailingSlash) {
    EXPECT_EQ(*normalize_relay_url("WSS://Relay.Example.COM/"), "wss://relay.example.com");
    EXPECT_EQ(*normalize_relay_url(" wss://relay.example.com:443 "), "wss://relay.example.com");
    EXPECT_EQ(*normalize_relay_url("ws://relay.example.com:80/"), "ws://relay.example.com");
    EXPECT_EQ(*normalize_relay_url("ws://relay.example.com:443"), "ws://relay.example.com:443");  // not ws's default
    EXPECT_EQ(*normalize_relay_url("wss://[2001:DB8::1]:443/Path/"), "wss://[2001:db8::1]/Path");  // path keeps its case
    EXPECT_EQ(*normalize_relay_url("wss://h.example/?a=1"), "wss://h.example?a=1");
}

TEST(RelayUrl, RefusesWhatIsNotAUrl) {
    auto e = normalize_relay_url("relay.example.com");
    ASSERT_FALSE(e);
    EXPECT_NE(e.error().message.find("scheme"), std::string::npos) << e.error().message;
    e = normalize_relay_url("wss:///path");
    ASSERT_FALSE(e);
    EXPECT_NE(e.error().message.find("host"), std::string::npos) << e.error().message;
}

TEST(RelayUrl, TagMustNameAConfiguredUrl) {
    std::vector<std::string> urls = {"wss://relay.example.com", "ws://127.0.0.1:7447/"};
    EXPECT_TRUE(relay_url_matches(urls, "wss://RELAY.example.com/"));
    EXPECT_TRUE(relay_url_matches(urls, "ws://127.0.0.1:7447"));
    EXPECT_FALSE(relay_url_matches(urls, "wss://relay.example.org"));
    EXPECT_FALSE(relay_url_matches(urls, "ws://relay.example.com"));  // another scheme
    EXPECT_FALSE(relay_url_matches(urls, "wss://relay.example.com/other"));
    EXPECT_FALSE(relay_url_matches(urls, "not a url"));
    EXPECT_TRUE(relay_url_matches({}, "anything at all"));  // not configured: not checked
}

}  // namespace
}  // namespace wsn::relay
