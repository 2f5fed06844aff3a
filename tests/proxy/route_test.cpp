// Which relay a `wsn proxy` session goes to, from the path the app used.
#include <gtest/gtest.h>

#include "proxy/route.hpp"

namespace wsn::proxy {
namespace {

const std::string kNpub = "npub180cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6w6";
const std::string kAddr = "wsn://" + kNpub + "@203.0.113.5:7447";

std::string route(std::string_view target, const std::optional<Address>& def = std::nullopt) {
    auto a = upstream_for_target(target, def);
    return a ? format_address(*a) : "error: " + a.error().message;
}

TEST(Route, AddressInThePathPlainEscapedOrCollapsed) {
    EXPECT_EQ(route("/" + kAddr), kAddr);
    EXPECT_EQ(route("/wsn%3A%2F%2F" + kNpub + "%40203.0.113.5%3A7447"), kAddr);
    EXPECT_EQ(route("/wsn%3a%2f%2f" + kNpub + "%40203.0.113.5%3a7447"), kAddr);
    EXPECT_EQ(route("/wsn:/" + kNpub + "@203.0.113.5:7447"), kAddr);  // nostr-tools collapses "//"
    EXPECT_EQ(route("/wsns://" + kNpub + "@[2001:db8::1]:443/sub"), "wsns://" + kNpub + "@[2001:db8::1]/sub");
    EXPECT_EQ(route("/ws://127.0.0.1:7777"), "ws://127.0.0.1:7777");
}

TEST(Route, RootGoesToTheDefaultUpstream) {
    auto def = parse_relay_url(kAddr).value();
    EXPECT_EQ(route("/", def), kAddr);
    EXPECT_EQ(route("/?x=1", def), kAddr);
    EXPECT_EQ(route("/" + std::string("ws://127.0.0.1:1"), def), "ws://127.0.0.1:1");
    EXPECT_NE(route("/").find("no default upstream"), std::string::npos);
}

TEST(Route, BadPathsNameTheFault) {
    EXPECT_NE(route("/wsn://npub1bad@1.2.3.4:1").find("bad relay address in the path"), std::string::npos);
    EXPECT_NE(route("/wsn%3").find("bad %-escape"), std::string::npos);
    EXPECT_NE(route("/wsn%zz").find("bad %-escape"), std::string::npos);
    EXPECT_NE(route("/http://example.com").find("bad relay address"), std::string::npos);
    EXPECT_NE(route("relative").find("must start with '/'"), std::string::npos);
}

TEST(Route, PercentDecode) {
    EXPECT_EQ(percent_decode("a%20b%2F").value(), "a b/");
    EXPECT_EQ(percent_decode("").value(), "");
    EXPECT_FALSE(percent_decode("%").ok());
    EXPECT_FALSE(percent_decode("%2").ok());
    EXPECT_FALSE(percent_decode("%g0").ok());
}

}  // namespace
}  // namespace wsn::proxy
