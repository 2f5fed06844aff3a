#include <gtest/gtest.h>

#include <atomic>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "loadgen/runner.hpp"

namespace wsn::loadgen {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

asio::awaitable<void> sleep_then_count(std::chrono::milliseconds d, std::atomic<int>& done, Runner* r = nullptr) {
    asio::steady_timer t(co_await asio::this_coro::executor, d);
    co_await t.async_wait(asio::use_awaitable);
    if (r) r->tick();
    ++done;
}

// Ticks every 20 ms for `total`, then ends.
asio::awaitable<void> ticking(Runner& r, std::chrono::milliseconds total) {
    asio::steady_timer t(co_await asio::this_coro::executor);
    for (auto end = Clock::now() + total; Clock::now() < end;) {
        t.expires_after(20ms);
        co_await t.async_wait(asio::use_awaitable);
        r.tick();
    }
}

TEST(Runner, RunsTasksOnEveryThreadAndWaitsForThem) {
    Runner r(3);
    EXPECT_EQ(r.size(), 3u);
    std::atomic<int> done{0};
    for (int i = 0; i < 30; ++i) r.spawn(size_t(i), sleep_then_count(5ms, done));
    EXPECT_TRUE(r.wait(Clock::now() + 10s));
    EXPECT_EQ(done.load(), 30);
    EXPECT_FALSE(r.finished());
    r.finish();
    EXPECT_TRUE(r.finished());
}

TEST(Runner, AbandonsTasksAtTheDeadline) {
    std::atomic<int> done{0};
    Runner r(2);
    r.spawn(0, sleep_then_count(1h, done));
    const auto t0 = Clock::now();
    EXPECT_FALSE(r.wait(t0 + 100ms));
    EXPECT_LT(Clock::now() - t0, 5s);
    EXPECT_TRUE(r.finished());
    r.spawn(0, sleep_then_count(0ms, done));  // ignored once finished
    EXPECT_EQ(done.load(), 0);
}

TEST(Runner, AStalledRunEndsAfterTheStallTimeoutButProgressKeepsItGoing) {
    {
        std::atomic<int> done{0};
        Runner r(1);
        r.set_stall_timeout(100ms);
        r.spawn(0, sleep_then_count(1h, done));
        const auto t0 = Clock::now();
        EXPECT_FALSE(r.wait(t0 + 1h));  // no tick: abandoned after one or two stall periods
        EXPECT_LT(Clock::now() - t0, 2s);
    }
    Runner r(1);
    r.set_stall_timeout(100ms);
    r.spawn(0, ticking(r, 500ms));  // longer than the stall timeout, but ticking
    EXPECT_TRUE(r.wait(Clock::now() + 10s));
}

TEST(Runner, KeepsTheFirstException) {
    Runner r(1);
    r.spawn(0, []() -> asio::awaitable<void> {
        throw std::runtime_error("boom");
        co_return;
    }());
    EXPECT_TRUE(r.wait(Clock::now() + 10s));
    EXPECT_EQ(r.failure(), "boom");
}

}  // namespace
}  // namespace wsn::loadgen
