// When a relay signs and what it announces (wsn/announce_plan.hpp).
#include <gtest/gtest.h>

#include "wsn/announce_plan.hpp"
#include "wsn/announcement.hpp"
#include "wsn/fixtures.hpp"

namespace wsn {
namespace {

using namespace fixtures;

std::string at(const std::string& hostport) { return "wsn://" + key_a().xonly_pubkey().hex() + "@" + hostport; }

TEST(AnnouncePlan, ReachableAddressesLeaveOutLoopbackUnlessThatIsAll) {
    EXPECT_EQ(reachable_addresses({at("127.0.0.1:7447"), at("203.0.113.7:7447"), at("[::1]:7447"),
                                   at("[2001:db8::7]:7447")}),
              (std::vector<Address>{addr(at("203.0.113.7:7447")), addr(at("[2001:db8::7]:7447"))}));
    EXPECT_EQ(reachable_addresses({at("127.0.0.2:7447"), at("[::1]:7447")}),
              (std::vector<Address>{addr(at("127.0.0.2:7447")), addr(at("[::1]:7447"))}));
    EXPECT_TRUE(reachable_addresses({}).empty());
}

TEST(AnnouncePlan, DueWhenNoneChangedOrOld) {
    const std::vector<Address> where = {addr(at("203.0.113.7:7447")), addr(at("[2001:db8::7]:7447"))};
    EXPECT_TRUE(announcement_due(std::nullopt, where, kNow, kDefaultAnnounceInterval));
    const auto last = build_announcement(key_a(), where, kNow - 60);
    EXPECT_FALSE(announcement_due(last, where, kNow, kDefaultAnnounceInterval));
    EXPECT_TRUE(announcement_due(last, {where[1], where[0]}, kNow, kDefaultAnnounceInterval));  // order matters
    EXPECT_TRUE(announcement_due(last, {where[0]}, kNow, kDefaultAnnounceInterval));
    EXPECT_TRUE(announcement_due(last, where, kNow - 60 + kDefaultAnnounceInterval, kDefaultAnnounceInterval));
}

TEST(AnnouncePlan, CreatedAtAlwaysMovesOn) {
    EXPECT_EQ(next_created_at(std::nullopt, kNow), kNow);
    const auto last = build_announcement(key_a(), {addr(at("203.0.113.7:7447"))}, kNow);
    EXPECT_EQ(next_created_at(last, kNow), kNow + 1);       // same second: still later
    EXPECT_EQ(next_created_at(last, kNow - 100), kNow + 1);  // the clock went back
    EXPECT_EQ(next_created_at(last, kNow + 500), kNow + 500);
}

TEST(AnnouncePlan, RetriesDoubleFromFiveSecondsToFifteenMinutes) {
    std::vector<int64_t> seen;
    std::chrono::milliseconds d = kFirstRetry;
    for (int i = 0; i < 10; ++i) {
        seen.push_back(d.count() / 1000);
        d = next_retry(d);
    }
    EXPECT_EQ(seen, (std::vector<int64_t>{5, 10, 20, 40, 80, 160, 320, 640, 900, 900}));
}

}  // namespace
}  // namespace wsn
