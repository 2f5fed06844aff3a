#include "loadgen/runner.hpp"

#include <algorithm>
#include <exception>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>

namespace wsn::loadgen {

namespace asio = boost::asio;

// An io_context whose services can be shut down before any context is destroyed.
struct Ioc : asio::io_context {
    using asio::io_context::io_context;
    void shut_down() { shutdown(); }
};

struct Runner::Context {
    Ioc ioc{1};
    asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(ioc);
};

Runner::Runner(unsigned threads) {
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    for (unsigned i = 0; i < threads; ++i) contexts_.push_back(std::make_unique<Context>());
    for (auto& c : contexts_) threads_.emplace_back([ctx = c.get()] { ctx->ioc.run(); });
}

Runner::~Runner() {
    finish();
    // An abandoned coroutine may hold (through shared state) connections of other
    // contexts too: shut every context down first, which destroys the coroutines while
    // every context's services still exist; only then destroy the contexts.
    for (auto& c : contexts_) c->ioc.shut_down();
    contexts_.clear();
}

asio::any_io_executor Runner::executor(size_t i) const { return contexts_[i % contexts_.size()]->ioc.get_executor(); }

void Runner::spawn(size_t i, asio::awaitable<void> task) {
    if (finished()) return;
    {
        std::lock_guard lock(mu_);
        ++pending_;
    }
    asio::co_spawn(contexts_[i % contexts_.size()]->ioc, std::move(task), [this](std::exception_ptr e) {
        std::lock_guard lock(mu_);
        if (e && failure_.empty()) {
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& x) {
                failure_ = x.what();
            } catch (...) {
                failure_ = "unknown exception";
            }
        }
        if (--pending_ == 0) done_.notify_all();
    });
}

bool Runner::wait(Clock::time_point deadline) {
    uint64_t seen = ticks_.load();
    for (;;) {
        const auto now = Clock::now();
        const auto until = stall_.count() > 0 ? std::min(deadline, now + stall_) : deadline;
        {
            std::unique_lock lock(mu_);
            if (done_.wait_until(lock, until, [this] { return pending_ == 0; })) return true;
        }
        const uint64_t ticks = ticks_.load();
        if (Clock::now() >= deadline || ticks == seen) break;
        seen = ticks;
    }
    finish();
    return false;
}

void Runner::finish() {
    for (auto& c : contexts_) {
        c->work.reset();
        c->ioc.stop();
    }
    for (auto& t : threads_) t.join();
    threads_.clear();
}

std::string Runner::failure() const {
    std::lock_guard lock(mu_);
    return failure_;
}

}  // namespace wsn::loadgen
