#include "relay/query_worker.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "nostr/message.hpp"
#include "relay/monitor.hpp"

namespace wsn::relay {

namespace {
constexpr uint64_t kSliceBudget = 2000;     // index steps per query per turn
constexpr size_t kSendWindow = 512 * 1024;  // unsent bytes past which a query pauses
constexpr size_t kResumeMark = 128 * 1024;  // and the level at which it goes on

std::string read_error(const store::DbError& e) {
    if (dynamic_cast<const store::Unavailable*>(&e)) return store::kUnavailableMessage;
    spdlog::error("query failed: {}", e.what());
    return "error: could not read the database";
}
}  // namespace

void QueryWorker::run() {
    for (;;) {
        const bool was_closed = inbox_.closed();  // then this pop takes the last of it
        auto msgs = turns_.empty() ? inbox_.pop_all(std::chrono::milliseconds(500)) : inbox_.try_pop_all();
        for (auto& m : msgs) handle(m);
        if (turns_.empty()) {
            if (was_closed) return;  // paused queries' connections are closing too
            continue;
        }
        const uint64_t id = *turns_.next();
        auto it = jobs_.find(id);
        if (it == jobs_.end()) continue;  // cancelled while it waited
        Job& j = it->second;
        if (!slice(j)) forget(id);
        else if (!j.paused) turns_.push(j.ip, j.conn, id);
    }
}

void QueryWorker::handle(ReqMsg& m) {
    std::visit(
        [&](auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, req::Open>) {
                cancel(v.conn, &v.sub);  // a REQ with a used id replaces it
                add(Job{v.conn, std::move(v.sub), std::move(v.ip), std::move(v.readers), std::move(v.filters)});
            } else if constexpr (std::is_same_v<T, req::Count>) {
                Job j{v.conn, std::move(v.sub), std::move(v.ip), std::move(v.readers), std::move(v.filters)};
                j.is_count = true;
                add(std::move(j));
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

void QueryWorker::to_monitor(MonitorMsg m) { sh_.monitor_inbox.push_quiet(std::move(m)); }  // kMonitorTick

void QueryWorker::add(Job j) {
    auto& mine = by_conn_[j.conn];
    if (mine.size() >= sh_.cfg.max_queries_in_flight) {
        sh_.metrics.queries_refused.inc("max_queries_in_flight");
        if (!j.is_count) to_monitor(mon::Unsubscribe{j.conn, j.sub});
        sh_.send_closed(j.conn, j.sub,
                        "rate-limited: too many queries in flight (max " +
                            std::to_string(sh_.cfg.max_queries_in_flight) + "); wait for an EOSE or COUNT first");
        if (mine.empty()) by_conn_.erase(j.conn);
        return;
    }
    const uint64_t id = ++next_id_;
    mine.push_back(id);
    turns_.push(j.ip, j.conn, id);
    jobs_.emplace(id, std::move(j));
}

bool QueryWorker::slice(Job& j) {
    bool go_on = false;
    try {
        go_on = j.is_count ? slice_count(j) : slice_req(j);
    } catch (const store::DbError& e) {
        if (!j.is_count) to_monitor(mon::Unsubscribe{j.conn, j.sub});  // CLOSED ends it (NIP-01)
        sh_.send_closed(j.conn, j.sub, read_error(e));
        return false;
    }
    if (!go_on) return false;
    j.cost += kSliceBudget;
    const uint64_t cap = sh_.cfg.max_query_cost;
    if (cap && j.cost >= cap) {
        sh_.metrics.queries_refused.inc("max_query_cost");
        if (!j.is_count) to_monitor(mon::Unsubscribe{j.conn, j.sub});
        sh_.send_closed(j.conn, j.sub,
                        "blocked: query too expensive (over " + std::to_string(cap) +
                            " index steps); narrow its filters (ids, authors with kinds, a tag) or add since/until");
        return false;
    }
    return true;
}

bool QueryWorker::slice_req(Job& j) {
    if (!j.query) {
        const uint64_t watermark = sh_.committed_batch.load();
        j.query = sh_.store->query(j.filters, sh_.cfg.max_limit, unix_now());  // its snapshot holds the watermark
        to_monitor(mon::Subscribe{j.conn, j.sub, std::move(j.filters), watermark, j.readers});
    }
    const bool done = j.query->step(kSliceBudget, [&](const store::StoredEvent& e) {
        if (!sh_.private_kinds.visible_json(e.json, j.readers)) return true;
        j.paused = sh_.send_event(j.conn, j.sub, e.json) > kSendWindow;
        return !j.paused;
    });
    if (done) {
        sh_.server->send(j.conn, nostr::to_json(nostr::RelayMessage{nostr::RelayEose{j.sub}}));
        return false;
    }
    j.query->release();  // one snapshot per worker at a time, and none pinned by a reader that stops reading
    if (j.paused) j.paused = !sh_.server->notify_drained(j.conn, kResumeMark);
    return true;
}

bool QueryWorker::slice_count(Job& j) {
    if (!j.count)
        j.count = std::make_unique<CountAnswer>(*sh_.store, j.sub, std::move(j.filters), sh_.private_kinds,
                                                j.readers, unix_now());
    if (j.count->step(kSliceBudget)) {
        sh_.server->send(j.conn, nostr::to_json(nostr::RelayMessage{j.count->answer()}));
        return false;
    }
    j.count->release();
    return true;
}

void QueryWorker::cancel(uint64_t conn, const std::string* sub) {
    if (auto it = by_conn_.find(conn); it != by_conn_.end()) {
        std::erase_if(it->second, [&](uint64_t id) {
            auto j = jobs_.find(id);
            if (sub && (j->second.is_count || j->second.sub != *sub)) return false;
            jobs_.erase(j);
            return true;
        });
        if (it->second.empty()) by_conn_.erase(it);
    }
    if (sub) to_monitor(mon::Unsubscribe{conn, *sub});
    else to_monitor(mon::CloseConn{conn});
}

void QueryWorker::resume(uint64_t conn) {
    auto it = by_conn_.find(conn);
    if (it == by_conn_.end()) return;
    for (uint64_t id : it->second) {
        Job& j = jobs_.at(id);
        if (!j.paused) continue;
        j.paused = false;
        turns_.push(j.ip, j.conn, id);
    }
}

void QueryWorker::forget(uint64_t id) {
    auto j = jobs_.find(id);
    auto it = by_conn_.find(j->second.conn);
    std::erase(it->second, id);
    if (it->second.empty()) by_conn_.erase(it);
    jobs_.erase(j);
}

}  // namespace wsn::relay
