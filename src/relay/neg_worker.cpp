#include "relay/neg_worker.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "nostr/message.hpp"

namespace wsn::relay {

namespace {
constexpr uint64_t kScanBudget = 5000;  // store steps per slice of a NEG-OPEN's scan
}  // namespace

NegWorker::NegWorker(Shared& sh) : sh_(sh) {
    limits_.frame_size = std::max<size_t>(sh.cfg.sync_frame_size, 4096);
    limits_.max_message = sh.cfg.max_message_bytes / 2;  // hex in the JSON
}

void NegWorker::run() {
    sh_.neg_inbox.run_until_closed(
        std::chrono::milliseconds(1000),
        [&](std::vector<NegMsg>& batch) {
            for (auto& m : batch) handle(m);
        },
        [&] { expire_idle(); });
}

void NegWorker::handle(NegMsg& m) {
    std::visit(
        [&](auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, neg::Open>) {
                open(v);
            } else if constexpr (std::is_same_v<T, neg::Msg>) {
                Key key{v.conn, v.sub};
                auto it = sessions_.find(key);
                if (it == sessions_.end())
                    return sh_.send_neg_err(v.conn, v.sub, "closed: no open negentropy session with this id");
                answer(key, it->second, v.message);
            } else if constexpr (std::is_same_v<T, neg::Close>) {
                sessions_.erase(Key{v.conn, v.sub});
            } else {
                std::erase_if(sessions_, [&](const auto& kv) { return kv.first.first == v.conn; });
            }
        },
        m);
}

size_t NegWorker::sessions_of(uint64_t conn) const {
    auto lo = sessions_.lower_bound(Key{conn, ""});
    size_t n = 0;
    for (auto it = lo; it != sessions_.end() && it->first.first == conn; ++it) ++n;
    return n;
}

void NegWorker::open(neg::Open& m) {
    Key key{m.conn, m.sub};
    sessions_.erase(key);  // NEG-OPEN with a used id replaces that session (NIP-77)
    if (sessions_of(m.conn) >= sh_.cfg.sync_max_sessions)
        return sh_.send_neg_err(m.conn, m.sub,
                        "blocked: too many negentropy sessions on this connection (max " +
                            std::to_string(sh_.cfg.sync_max_sessions) + ")");
    const uint64_t max = sh_.cfg.sync_max_records;
    std::vector<store::IdItem> found;
    try {
        // Private kinds are never reconciled: their ids and times alone would tell who
        // writes to whom. They are read last, so one stored between the scans is in neither.
        const std::vector<nostr::Filter> private_part = sh_.private_kinds.private_part({&m.filter, 1});
        auto scan = sh_.store->scan_ids({std::move(m.filter)}, max, unix_now());
        while (!scan->step(kScanBudget, found)) {
        }
        if (!private_part.empty() && found.size() <= max) {
            std::vector<store::IdItem> hidden;
            auto ps = sh_.store->scan_ids(private_part, max, unix_now());
            while (!ps->step(kScanBudget, hidden)) {
            }
            std::vector<nostr::Id> ids;
            ids.reserve(hidden.size());
            for (const auto& h : hidden) ids.push_back(h.id);
            std::sort(ids.begin(), ids.end());
            std::erase_if(found, [&](const store::IdItem& f) { return std::binary_search(ids.begin(), ids.end(), f.id); });
        }
    } catch (const store::DbError& e) {
        if (!dynamic_cast<const store::Unavailable*>(&e)) spdlog::error("negentropy scan failed: {}", e.what());
        return sh_.send_neg_err(m.conn, m.sub,
                        dynamic_cast<const store::Unavailable*>(&e) ? store::kUnavailableMessage
                                                                    : "error: could not read the database");
    }
    if (found.size() > max)
        return sh_.send_neg_err(m.conn, m.sub,
                        "blocked: this sync would cover more than " + std::to_string(max) +
                            " events; narrow the filter (since/until, authors, kinds)");
    std::vector<negentropy::Item> items;
    items.reserve(found.size());
    for (const auto& f : found) items.push_back(negentropy::Item{uint64_t(f.created_at), f.id});
    found = {};
    Session s;
    s.items = std::make_unique<negentropy::ItemSet>(std::move(items));
    s.reconciler = std::make_unique<negentropy::Reconciler>(*s.items, limits_);
    auto [it, inserted] = sessions_.emplace(key, std::move(s));
    answer(key, it->second, m.message);
}

void NegWorker::answer(const Key& key, Session& s, const std::string& message) {
    auto step = s.reconciler->reconcile(negentropy::as_bytes(message));
    if (!step) {
        std::string why = "invalid: " + step.error().message;
        sessions_.erase(key);  // s is gone from here on
        return sh_.send_neg_err(key.first, key.second, why);
    }
    s.last_active = std::chrono::steady_clock::now();
    sh_.server->send(key.first,
                     nostr::to_json(nostr::RelayMessage{nostr::RelayNegMsg{key.second, std::move(step->reply)}}));
}

void NegWorker::expire_idle() {
    auto now = std::chrono::steady_clock::now();
    for (auto it = sessions_.begin(); it != sessions_.end();) {
        if (now - it->second.last_active < sh_.cfg.sync_idle_timeout) {
            ++it;
            continue;
        }
        auto secs = std::chrono::duration_cast<std::chrono::seconds>(sh_.cfg.sync_idle_timeout).count();
        sh_.send_neg_err(it->first.first, it->first.second,
                 "closed: no NEG-MSG for " + std::to_string(secs) + " seconds; the session is closed");
        it = sessions_.erase(it);
    }
}


}  // namespace wsn::relay
