#include "relay/monitor.hpp"

#include <algorithm>

namespace wsn::relay {

namespace {
constexpr size_t kRecentEvents = 20000;
}

void Monitor::run() {
    sh_.monitor_inbox.run_until_closed(
        kMonitorTick, [&](std::vector<MonitorMsg>& batch) {
            for (auto& m : batch) handle(m);
        },
        [] {});
}

void Monitor::deliver(const LiveEventPtr& ev) {
    const LiveEvent& e = *ev;
    const bool priv = sh_.private_kinds.is_private(e.event().kind);
    deliveries_.clear();
    subs_.for_each_match(e.event(), [&](const Subscriptions::Target& t) {
        if (!priv || sh_.private_kinds.visible(e.event(), readers_[t.conn]))
            deliveries_.push_back({t.conn, Shared::event_text(t.sub, ev)});
    });
    if (!deliveries_.empty()) sh_.server->send_all(deliveries_);
}

void Monitor::handle(MonitorMsg& m) {
    std::visit(
        [&](auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, mon::Subscribe>) {
                // A replaced subscription gets nothing more under its old filters.
                subs_.remove(v.conn, v.sub);
                readers_[v.conn] = std::move(v.readers);  // AUTH only adds: the latest holds the others
                // Batches come in order: what the query's snapshot did not see is a tail,
                // found without walking the thousands of older events before it.
                auto unseen = std::partition_point(recent_.begin(), recent_.end(),
                                                   [&](const auto& r) { return r.first <= v.watermark; });
                for (auto it = unseen; it != recent_.end(); ++it)
                    if (const LiveEvent& ev = *it->second; nostr::matches_any(v.filters, ev.event()) &&
                                                           sh_.private_kinds.visible(ev.event(), readers_[v.conn]))
                        sh_.send_event(v.conn, v.sub, it->second);
                subs_.add(v.conn, v.sub, std::move(v.filters));
            } else if constexpr (std::is_same_v<T, mon::Unsubscribe>) {
                subs_.remove(v.conn, v.sub);
            } else if constexpr (std::is_same_v<T, mon::CloseConn>) {
                subs_.remove_conn(v.conn);
                readers_.erase(v.conn);
            } else if constexpr (std::is_same_v<T, mon::Stored>) {
                for (auto& ev : v.events) {
                    deliver(ev);
                    recent_.emplace_back(v.batch, std::move(ev));
                }
                while (recent_.size() > kRecentEvents) recent_.pop_front();
            } else {
                deliver(v.event);
            }
        },
        m);
}

}  // namespace wsn::relay
