// The connection caps: per client block (IPv4 address, IPv6 /64) and in total.
#include "wsn/net/admission.hpp"

#include <gtest/gtest.h>

namespace wsn::net {
namespace {

ClientBlock block(const char* ip) { return client_block(boost::asio::ip::make_address(ip)); }

TEST(Admission, CapsEachAddressAndFreesOnLeave) {
    Admission a({.total = 0, .per_ip = 2});
    EXPECT_EQ(a.enter(block("192.0.2.1")), Refusal::none);
    EXPECT_EQ(a.enter(block("192.0.2.1")), Refusal::none);
    EXPECT_EQ(a.enter(block("192.0.2.1")), Refusal::per_ip);
    EXPECT_EQ(a.enter(block("192.0.2.2")), Refusal::none);
    a.leave(block("192.0.2.1"));
    EXPECT_EQ(a.enter(block("192.0.2.1")), Refusal::none);
    EXPECT_EQ(a.open(), 3u);
}

TEST(Admission, CapsTheTotalUnlessAPlaceIsBeingFreed) {
    Admission a({.total = 2, .per_ip = 0});
    EXPECT_EQ(a.enter(block("192.0.2.1")), Refusal::none);
    EXPECT_EQ(a.enter(block("192.0.2.2")), Refusal::none);
    EXPECT_EQ(a.enter(block("192.0.2.3")), Refusal::total);
    EXPECT_EQ(a.enter(block("192.0.2.3"), true), Refusal::none);
    EXPECT_EQ(a.open(), 3u);
}

TEST(Admission, CountsIpv6By64AndMappedIpv4AsIpv4) {
    EXPECT_EQ(block("2001:db8:1:2::1"), block("2001:db8:1:2:ffff::9"));
    EXPECT_NE(block("2001:db8:1:2::1"), block("2001:db8:1:3::1"));
    EXPECT_EQ(block("::ffff:192.0.2.1"), block("192.0.2.1"));
    EXPECT_NE(block("::ffff:192.0.2.1"), block("::ffff:192.0.2.2"));
}

}  // namespace
}  // namespace wsn::net
