#pragma once
// A bounded pool of connections to one server, shared by the threads that read.
// Connections are made when first needed and dropped when they break; while the
// server is unreachable, acquire() fails at once (store::Unavailable) for a second
// after each failed attempt instead of making every caller wait to connect.
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/postgres/conn.hpp"

namespace wsn::store::pg {

class Pool {
public:
    Pool(std::string url, unsigned size, std::chrono::milliseconds timeout)
        : url_(std::move(url)), size_(size ? size : 1), timeout_(timeout) {}

    // A connection for one use; back to the pool when the lease ends.
    class Lease {
    public:
        Lease(Pool& p, std::unique_ptr<Conn> c) : pool_(&p), conn_(std::move(c)) {}
        Lease(Lease&& o) noexcept = default;
        ~Lease() {
            if (conn_) pool_->give_back(std::move(conn_));
        }
        Conn* operator->() const { return conn_.get(); }
        Conn& operator*() const { return *conn_; }

    private:
        Pool* pool_;
        std::unique_ptr<Conn> conn_;
    };

    // Waits while all connections are in use; throws Unavailable if none can be made.
    Lease acquire();
    const std::string& url() const { return url_; }

private:
    void give_back(std::unique_ptr<Conn> c);

    const std::string url_;
    const unsigned size_;
    const std::chrono::milliseconds timeout_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::vector<std::unique_ptr<Conn>> idle_;
    unsigned leased_ = 0;
    std::chrono::steady_clock::time_point retry_after_{};
    std::string last_failure_;
};

}  // namespace wsn::store::pg
