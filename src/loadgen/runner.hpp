#pragma once
// The load generator's threads: one io_context per thread, tasks (coroutines) spread
// over them, so one thread per core drives its share of the connections. A run is a
// few phases (connect, measure, close); wait() bounds each phase, and a phase that
// overruns is abandoned: finish() stops the contexts and the abandoned coroutines
// are destroyed with them. So a relay that stops answering never hangs the tool.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>  // before Asio: its awaitable.hpp uses std::exchange
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

namespace wsn::loadgen {

using Clock = std::chrono::steady_clock;

class Runner {
public:
    explicit Runner(unsigned threads);  // 0: one per hardware thread
    ~Runner();                          // finish(), then the contexts are destroyed
    Runner(const Runner&) = delete;
    Runner& operator=(const Runner&) = delete;

    size_t size() const { return contexts_.size(); }
    boost::asio::any_io_executor executor(size_t i) const;

    // Runs `task` on context i % size(); it counts as pending until it returns.
    void spawn(size_t i, boost::asio::awaitable<void> task);
    // Waits until no task is pending, or `deadline` passes, or (with a stall timeout
    // set) no task called tick() for that long: the relay stopped answering. Tasks
    // still pending then are abandoned: finish() is called and false returned (the
    // tasks' results can then be read safely, but nothing more can run).
    bool wait(Clock::time_point deadline);
    void set_stall_timeout(std::chrono::milliseconds t) { stall_ = t; }
    // Progress: a task calls this for every answer it gets.
    void tick() { ticks_.fetch_add(1, std::memory_order_relaxed); }
    // Stops every context and joins the threads (idempotent). Objects the tasks used
    // may be destroyed after this; abandoned coroutines go when the Runner does.
    void finish();
    bool finished() const { return threads_.empty(); }
    // The first exception a task ended with, or "".
    std::string failure() const;

private:
    struct Context;
    std::vector<std::unique_ptr<Context>> contexts_;
    std::vector<std::thread> threads_;
    mutable std::mutex mu_;
    std::condition_variable done_;
    size_t pending_ = 0;
    std::chrono::milliseconds stall_{0};
    std::atomic<uint64_t> ticks_{0};
    std::string failure_;
};

}  // namespace wsn::loadgen
