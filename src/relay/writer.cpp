#include "relay/writer.hpp"

#include <chrono>

#include <spdlog/spdlog.h>

namespace wsn::relay {

namespace {
constexpr size_t kMaxBatch = 2000;
constexpr int64_t kPurgeEverySeconds = 60;
}  // namespace

void Writer::run() {
    int64_t next_purge = unix_now() + kPurgeEverySeconds;
    std::vector<AddEvent> pending;
    for (;;) {
        bool closed = sh_.writer_inbox.closed();
        auto got = sh_.writer_inbox.pop_all(std::chrono::milliseconds(1000));
        for (auto& a : got) pending.push_back(std::move(a));
        while (!pending.empty()) {
            size_t n = std::min(pending.size(), kMaxBatch);
            std::vector<AddEvent> batch(std::make_move_iterator(pending.begin()),
                                        std::make_move_iterator(pending.begin() + n));
            pending.erase(pending.begin(), pending.begin() + n);
            write_batch(batch);
        }
        if (int64_t now = unix_now(); now >= next_purge) {
            next_purge = now + kPurgeEverySeconds;
            if (auto r = sh_.store->purge_expired(now, 10000); r && *r)
                spdlog::info("purged {} expired events", *r);
        }
        if (closed) return;  // everything queued before close has been written
    }
}

void Writer::write_batch(std::vector<AddEvent>& batch) {
    std::vector<store::WriteItem> items;
    items.reserve(batch.size());
    for (auto& a : batch) items.push_back(store::WriteItem{a.ev.event, a.ev.json});
    auto t0 = std::chrono::steady_clock::now();
    auto outcomes = sh_.store->write(items, unix_now());
    sh_.metrics.write_batch_seconds.observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    sh_.metrics.write_batch_events.observe(double(batch.size()));
    if (!outcomes) {
        spdlog::error("write batch of {} events failed: {}", batch.size(), outcomes.error().message);
        for (auto& a : batch) sh_.send_ok(a.conn, a.ev.event.id, false, "error: could not store the event");
        return;
    }
    uint64_t batch_no = sh_.committed_batch.load() + 1;
    sh_.committed_batch.store(batch_no);
    mon::Stored stored{batch_no, {}};
    for (size_t i = 0; i < batch.size(); ++i) {
        store::WriteOutcome o = (*outcomes)[i];
        sh_.send_ok(batch[i].conn, batch[i].ev.event.id, store::outcome_accepted(o), store::outcome_message(o));
        if (o == store::WriteOutcome::stored) {
            sh_.metrics.events.inc("stored");
            stored.events.push_back(std::make_shared<const LiveEvent>(std::move(batch[i].ev)));
        } else if (o == store::WriteOutcome::duplicate) {
            sh_.metrics.events.inc("duplicate");
        } else {
            sh_.metrics.events.inc("rejected");
        }
    }
    if (!stored.events.empty()) sh_.monitor_inbox.push(std::move(stored));
}

}  // namespace wsn::relay
