// Inbox: a quiet push does not wake the owner; the owner takes it at its next tick.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "relay/inbox.hpp"

namespace wsn::relay {
namespace {

using namespace std::chrono_literals;

TEST(Inbox, QuietPushWaitsForTheTickAndKeepsOrder) {
    Inbox<int> inbox;
    std::vector<int> got;
    std::thread owner([&] {
        auto t0 = std::chrono::steady_clock::now();
        got = inbox.pop_all(600ms);  // a quiet push must not end this wait early
        EXPECT_GE(std::chrono::steady_clock::now() - t0, 500ms);
    });
    std::this_thread::sleep_for(100ms);  // the owner is waiting by now
    inbox.push_quiet(1);
    inbox.push_quiet(2);
    owner.join();
    EXPECT_EQ(got, (std::vector<int>{1, 2}));

    inbox.push_quiet(3);
    inbox.push(4);  // a waking push takes the quiet ones before it along
    EXPECT_EQ(inbox.pop_all(1000ms), (std::vector<int>{3, 4}));
}

TEST(Inbox, CloseDrainsQuietPushes) {
    Inbox<int> inbox;
    inbox.push_quiet(5);
    inbox.close();
    std::vector<int> handled;
    inbox.run_until_closed(1000ms, [&](std::vector<int>& b) { handled.insert(handled.end(), b.begin(), b.end()); },
                           [] {});
    EXPECT_EQ(handled, (std::vector<int>{5}));
}

}  // namespace
}  // namespace wsn::relay
