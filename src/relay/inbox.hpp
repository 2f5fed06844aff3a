#pragma once
// A thread's inbox: values moved in by any thread, drained in batches by the owner
// (strfry's habit: pop everything, handle the batch, go back to sleep).
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <utility>
#include <vector>

namespace wsn::relay {

template <class T>
class Inbox {
public:
    void push(T v) {
        {
            std::lock_guard lk(mu_);
            q_.push_back(std::move(v));
        }
        cv_.notify_one();
    }

    // Queues without waking the owner: it takes the value at its next wake or tick.
    void push_quiet(T v) {
        std::lock_guard lk(mu_);
        q_.push_back(std::move(v));
    }

    // Waits until something arrives, the inbox is closed, or `timeout` passes;
    // returns everything queued (empty on timeout or close).
    std::vector<T> pop_all(std::chrono::milliseconds timeout) {
        std::unique_lock lk(mu_);
        cv_.wait_for(lk, timeout, [&] { return closed_ || !q_.empty(); });
        return take(lk);
    }

    // Returns what is queued now without waiting.
    std::vector<T> try_pop_all() {
        std::unique_lock lk(mu_);
        return take(lk);
    }

    void close() {
        {
            std::lock_guard lk(mu_);
            closed_ = true;
        }
        cv_.notify_all();
    }
    bool closed() const {
        std::lock_guard lk(mu_);
        return closed_;
    }

    // The owner's loop: hands each batch that arrives to handle(std::vector<T>&), calls
    // tick() at least every `period` (for timed work), and returns once the inbox is
    // closed and everything pushed before close() has been handled. Every thread drains:
    // upstream threads are joined before their downstream inbox closes (Relay::run),
    // so nothing accepted is dropped at shutdown.
    template <class Handle, class Tick>
    void run_until_closed(std::chrono::milliseconds period, Handle&& handle, Tick&& tick) {
        for (;;) {
            bool was_closed = closed();  // then this pop_all takes the last of it
            std::vector<T> batch = pop_all(period);
            if (!batch.empty()) handle(batch);
            tick();
            if (was_closed) return;
        }
    }
    template <class Handle>
    void run_until_closed(Handle&& handle) {
        run_until_closed(std::chrono::milliseconds(500), std::forward<Handle>(handle), [] {});
    }

private:
    std::vector<T> take(std::unique_lock<std::mutex>&) {
        std::vector<T> out;
        out.reserve(q_.size());
        for (auto& v : q_) out.push_back(std::move(v));
        q_.clear();
        return out;
    }

    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::deque<T> q_;
    bool closed_ = false;
};

}  // namespace wsn::relay
