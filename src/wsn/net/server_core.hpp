#pragma once
// Internal to the server: what the listener shares with its sessions. No Beast here.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>

#include <boost/asio/ip/tcp.hpp>

#include "noise/handshake.hpp"
#include "wsn/net/admission.hpp"
#include "wsn/net/server.hpp"

namespace boost::asio::ssl {
class context;
}

namespace wsn::net::detail {

// What Server::send hands a session.
using Outgoing = std::variant<std::string, SharedText>;

// A live session as the server sees it; each call posts to the session's executor.
class SessionBase {
public:
    virtual ~SessionBase() = default;
    // A text from another thread: staged in the session's list, which one take_incoming
    // on the session's executor empties. stage() says whether that take must be posted.
    void post_send(Outgoing text) {
        if (stage(std::move(text))) post_take();
    }
    virtual bool stage(Outgoing text) = 0;
    virtual void post_take() = 0;
    virtual void take_incoming() = 0;  // on the session's executor only
    virtual void post_close(uint16_t code, std::string reason) = 0;
    virtual void post_resume_read() = 0;
    std::atomic<bool> established{false};  // past the handshake: the application sees it
    std::atomic<bool> shed{false};         // chosen by shed_oldest_handshake, closing

    // Output not yet written: texts posted but not framed, plus queued frames.
    std::atomic<size_t> unsent{0};
    // Server::notify_drained's mark, kNoMark when none is asked for. Whoever sees unsent
    // at or below it takes it (the asking thread or the session's): one on_drained per ask.
    static constexpr size_t kNoMark = SIZE_MAX;
    std::atomic<size_t> drain_mark{kNoMark};
    bool take_drain_mark(size_t seen) { return drain_mark.compare_exchange_strong(seen, kNoMark); }

    // Input delivered and not yet consumed (ServerOptions::max_unconsumed_bytes_per_session).
    std::atomic<size_t> unconsumed{0};
    // The read loop waits for a post_resume_read. Whoever turns it back to false (the
    // session seeing room itself, or Server::consumed) is the one that resumes it.
    std::atomic<bool> read_paused{false};
};

struct ServerCore {
    ServerCore(ServerOptions o, ServerHandler h) : opts(std::move(o)), handler(std::move(h)) {}

    ServerOptions opts;
    ServerHandler handler;
    boost::asio::ssl::context* tls = nullptr;  // set when a listener has TLS
    std::optional<noise::StaticKey> static_key;  // the relay key, even y (computed once)

    std::atomic<bool> stopping{false};
    std::atomic<uint64_t> open_by_scheme[4] = {};
    std::atomic<uint64_t> handshake_failures{0};
    std::atomic<uint64_t> tls_handshake_failures{0};
    std::atomic<uint64_t> slow_reader_closes{0};
    std::atomic<uint64_t> refused_total{0}, refused_per_ip{0}, shed_handshakes{0};
    std::atomic<size_t> queued_bytes_total{0};
    std::atomic<size_t> unconsumed_total{0};  // SessionBase::unconsumed, all sessions
    std::atomic<uint64_t> input_pauses{0};

    // A session holding `mine` unconsumed input bytes must stop reading.
    bool input_over_share(size_t mine) const {
        const size_t cap = opts.max_unconsumed_bytes_total;
        return mine > opts.max_unconsumed_bytes_per_session ||
               (cap && mine > kFairInputShare && unconsumed_total > cap);
    }
    // ...and a paused one may read on (half the share: not one wake-up per message).
    bool input_may_resume(size_t mine) const {
        return mine <= opts.max_unconsumed_bytes_per_session / 2 && !input_over_share(mine);
    }
    std::optional<Admission> admission;  // made at start, when the cap is known
    size_t max_connections = 0;

    uint64_t add(std::weak_ptr<SessionBase> s) {
        std::lock_guard lock(mu_);
        uint64_t id = ++next_id_;
        sessions_.emplace(id, std::move(s));
        return id;
    }
    void remove(uint64_t id) {
        std::lock_guard lock(mu_);
        sessions_.erase(id);
    }
    std::shared_ptr<SessionBase> find(uint64_t id) {
        std::lock_guard lock(mu_);
        auto it = sessions_.find(id);
        return it == sessions_.end() ? nullptr : it->second.lock();
    }
    // find() for many, under one lock: out[i] is ids(i)'s session or null.
    template <class Id>
    void find_all(size_t n, Id&& ids, std::vector<std::shared_ptr<SessionBase>>& out) {
        out.clear();
        std::lock_guard lock(mu_);
        for (size_t i = 0; i < n; ++i) {
            auto it = sessions_.find(ids(i));
            out.push_back(it == sessions_.end() ? nullptr : it->second.lock());
        }
    }
    // Out of descriptors: close the oldest session still in its handshake (the cheapest
    // for an attacker to hold open), so accept can go on. False if there is none.
    bool shed_oldest_handshake() {
        std::shared_ptr<SessionBase> oldest;
        {
            std::lock_guard lock(mu_);
            uint64_t oldest_id = UINT64_MAX;
            for (auto& [id, w] : sessions_)
                if (auto s = w.lock(); s && !s->established && !s->shed && id < oldest_id) {
                    oldest_id = id;
                    oldest = std::move(s);
                }
        }
        if (!oldest || oldest->shed.exchange(true)) return false;
        shed_handshakes++;
        oldest->post_close(1013, "server busy");
        return true;
    }
    template <class F>
    void for_each(F&& f) {
        std::vector<std::shared_ptr<SessionBase>> all;
        {
            std::lock_guard lock(mu_);
            for (auto& [id, w] : sessions_)
                if (auto s = w.lock()) all.push_back(std::move(s));
        }
        for (auto& s : all) f(*s);
    }

private:
    std::mutex mu_;
    uint64_t next_id_ = 0;
    std::unordered_map<uint64_t, std::weak_ptr<SessionBase>> sessions_;
};

// Serves one accepted connection until it ends; the socket's executor is the session's.
// `from` was admitted (core.admission) and is left when the session ends.
void start_session(ServerCore& core, boost::asio::ip::tcp::socket socket, bool tls, ClientBlock from);

}  // namespace wsn::net::detail
