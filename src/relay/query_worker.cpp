#include "relay/query_worker.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "nostr/message.hpp"
#include "relay/count_answer.hpp"

namespace wsn::relay {

namespace {
constexpr uint64_t kSliceBudget = 2000;  // index steps per query per turn
constexpr size_t kMaxActive = 512;       // well under the store's reader slots
constexpr size_t kSendWindow = 512 * 1024;  // unsent bytes past which a query pauses
constexpr size_t kResumeMark = 128 * 1024;  // and the level at which it resumes

std::string read_error(const store::DbError& e) {
    if (dynamic_cast<const store::Unavailable*>(&e)) return store::kUnavailableMessage;
    spdlog::error("query failed: {}", e.what());
    return "error: could not read the database";
}
}  // namespace

void QueryWorker::run() {
    for (;;) {
        auto msgs = any_runnable() ? sh_.query_inbox.try_pop_all()
                                   : sh_.query_inbox.pop_all(std::chrono::milliseconds(500));
        for (auto& m : msgs) handle(m);
        admit();
        if (active_.empty() && waiting_.empty() && sh_.query_inbox.closed()) return;
        step_all();
    }
}

void QueryWorker::handle(ReqMsg& m) {
    std::visit(
        [&](auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, req::Open>) {
                cancel(v.conn, &v.sub);  // a REQ with a used id replaces it
                waiting_.push_back(std::move(v));
            } else if constexpr (std::is_same_v<T, req::Count>) {
                count(v);
            } else if constexpr (std::is_same_v<T, req::Close>) {
                cancel(v.conn, &v.sub);
            } else if constexpr (std::is_same_v<T, req::Drained>) {
                resume(v.conn);
            } else {
                cancel(v.conn, nullptr);
            }
        },
        m);
}

void QueryWorker::count(req::Count& v) {
    try {
        auto answer = count_answer(*sh_.store, v.sub, std::move(v.filters), CountReader{sh_.private_kinds, v.readers},
                                   unix_now(), kSliceBudget);
        sh_.server->send(v.conn, nostr::to_json(nostr::RelayMessage{std::move(answer)}));
    } catch (const store::DbError& e) {
        sh_.send_closed(v.conn, v.sub, read_error(e));
    }
}

void QueryWorker::admit() {
    while (!waiting_.empty() && active_.size() < kMaxActive) {
        req::Open v = std::move(waiting_.front());
        waiting_.pop_front();
        uint64_t watermark = sh_.committed_batch.load();
        std::unique_ptr<store::Query> q;
        try {
            q = sh_.store->query(v.filters, sh_.cfg.max_limit, unix_now());  // its snapshot holds the watermark
        } catch (const store::DbError& e) {
            sh_.send_closed(v.conn, v.sub, read_error(e));
            continue;
        }
        sh_.monitor_inbox.push(mon::Subscribe{v.conn, v.sub, std::move(v.filters), watermark, v.readers});
        active_.push_back(Active{v.conn, std::move(v.sub), std::move(q), std::move(v.readers)});
    }
}

void QueryWorker::cancel(uint64_t conn, const std::string* sub) {
    std::erase_if(waiting_, [&](const req::Open& w) { return w.conn == conn && (!sub || w.sub == *sub); });
    active_.remove_if([&](const Active& a) { return a.conn == conn && (!sub || a.sub == *sub); });
    if (sub) sh_.monitor_inbox.push(mon::Unsubscribe{conn, *sub});
    else sh_.monitor_inbox.push(mon::CloseConn{conn});
}

void QueryWorker::resume(uint64_t conn) {
    for (Active& a : active_)
        if (a.conn == conn) a.paused = false;
}

bool QueryWorker::any_runnable() const {
    return std::any_of(active_.begin(), active_.end(), [](const Active& a) { return !a.paused; });
}

void QueryWorker::step_all() {
    for (auto it = active_.begin(); it != active_.end();) {
        Active& a = *it;
        if (a.paused) {
            ++it;
            continue;
        }
        bool done = false;
        try {
            done = a.query->step(kSliceBudget, [&](const store::StoredEvent& e) {
                if (!sh_.private_kinds.visible_json(e.json, a.readers)) return true;
                a.paused = sh_.send_event(a.conn, a.sub, e.json) > kSendWindow;
                return !a.paused;
            });
            if (a.paused) {
                a.query->release();  // a reader that stops reading must not pin a snapshot
                a.paused = !sh_.server->notify_drained(a.conn, kResumeMark);
            }
        } catch (const store::DbError& e) {
            sh_.monitor_inbox.push(mon::Unsubscribe{a.conn, a.sub});  // CLOSED ends it (NIP-01)
            sh_.send_closed(a.conn, a.sub, read_error(e));
            it = active_.erase(it);
            admit();
            continue;
        }
        if (done) {
            sh_.server->send(a.conn, nostr::to_json(nostr::RelayMessage{nostr::RelayEose{a.sub}}));
            it = active_.erase(it);
            admit();
        } else {
            ++it;
        }
    }
}

}  // namespace wsn::relay
