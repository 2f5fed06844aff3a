#include "store/postgres/pool.hpp"

namespace wsn::store::pg {

namespace {
constexpr auto kRetryAfterFailure = std::chrono::seconds(1);
}

Pool::Lease Pool::acquire() {
    std::unique_lock lk(mu_);
    cv_.wait(lk, [&] { return !idle_.empty() || leased_ + idle_.size() < size_; });
    if (!idle_.empty()) {
        auto c = std::move(idle_.back());
        idle_.pop_back();
        ++leased_;
        return Lease(*this, std::move(c));
    }
    if (std::chrono::steady_clock::now() < retry_after_) throw Unavailable(last_failure_);
    ++leased_;  // the slot is ours while connecting, outside the lock
    lk.unlock();
    try {
        return Lease(*this, Conn::connect(url_, timeout_));
    } catch (const DbError& e) {
        lk.lock();
        --leased_;
        retry_after_ = std::chrono::steady_clock::now() + kRetryAfterFailure;
        last_failure_ = e.what();
        cv_.notify_one();
        throw;
    }
}

void Pool::give_back(std::unique_ptr<Conn> c) {
    {
        std::lock_guard lk(mu_);
        --leased_;
        if (!c->broken()) idle_.push_back(std::move(c));
    }
    cv_.notify_one();
}

}  // namespace wsn::store::pg
