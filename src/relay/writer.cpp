#include "relay/writer.hpp"

#include <algorithm>
#include <chrono>
#include <limits>
#include <span>

#include <spdlog/spdlog.h>

#include "nostr/parser.hpp"

namespace wsn::relay {

namespace {
constexpr size_t kMaxBatch = 2000;
constexpr int64_t kPurgeEverySeconds = 60;
}  // namespace

void Writer::load_vanished() {
    nostr::Filter f;
    f.kinds = std::vector<uint16_t>{kVanishKind};
    nostr::Parser parser;
    try {
        auto q = sh_.store->query({f}, std::numeric_limits<uint64_t>::max(), unix_now());
        while (!q->step(10000, [&](const store::StoredEvent& s) {
            auto e = parser.parse_event(s.json);
            if (e && names_this_relay(*e, sh_.cfg.public_urls, sh_.pubkey)) vanished_.add(e->pubkey, e->created_at);
        })) {
        }
    } catch (const store::DbError& e) {
        spdlog::error("reading the NIP-62 requests to vanish failed: {}", e.what());
    }
}

void Writer::vanish(const LiveEvent& request) {
    const nostr::Event& e = request.event();
    vanished_.add(e.pubkey, e.created_at);
    uint64_t erased = 0;
    for (const nostr::Filter& f : Vanished::erased_by(e.pubkey, e.created_at)) {
        auto r = sh_.store->erase(f);
        if (!r) spdlog::error("NIP-62: deleting the events of {} failed: {}", e.pubkey.hex(), r.error().message);
        else erased += *r;
    }
    store::WriteItem item = request;
    if (auto r = sh_.store->write(std::span(&item, 1), unix_now()); !r)
        spdlog::error("NIP-62: keeping the request of {} failed: {}", e.pubkey.hex(), r.error().message);
    spdlog::info("NIP-62: {} vanished up to {}: {} events deleted", e.pubkey.hex(), e.created_at, erased > 0 ? erased - 1 : 0);
}

void Writer::run() {
    load_vanished();
    int64_t next_purge = unix_now() + kPurgeEverySeconds;
    sh_.writer_inbox.run_until_closed(
        std::chrono::milliseconds(1000),
        [&](std::vector<AddEvent>& got) {
            for (size_t at = 0; at < got.size(); at += kMaxBatch)
                write_batch(std::span(got).subspan(at, std::min(kMaxBatch, got.size() - at)));
        },
        [&] {
            if (int64_t now = unix_now(); now >= next_purge) {
                next_purge = now + kPurgeEverySeconds;
                auto r = sh_.store->purge_expired(now, 10000);
                if (!r) spdlog::warn("purging expired events failed: {}", r.error().message);
                else if (*r) spdlog::info("purged {} expired events", *r);
            }
        });
}

void Writer::publish(std::span<AddEvent> events) {
    std::vector<std::string> json;
    for (auto& a : events) json.push_back(a.ev.json());
    auto s = sh_.store->publish(json);
    if (!s) spdlog::error("publishing {} ephemeral events failed: {}", events.size(), s.error().message);
    std::string_view why = !s && store::is_unavailable(s.error().message) ? store::kUnavailableMessage
                                                                          : "error: could not relay the event";
    for (auto& a : events) {
        sh_.send_ok(a.conn, a.ev.event().id, s.ok(), s.ok() ? "" : why);
        sh_.metrics.events.inc(s.ok() ? "ephemeral" : "rejected");
    }
}

void Writer::write_batch(std::span<AddEvent> batch) {
    if (!vanished_.empty()) {  // NIP-62: what a request to vanish covers is never stored again
        auto refused = std::stable_partition(batch.begin(), batch.end(),
                                             [&](const AddEvent& a) { return vanished_.refusal(a.ev.event()).empty(); });
        for (auto it = refused; it != batch.end(); ++it) {
            sh_.metrics.events.inc("rejected");
            sh_.send_ok(it->conn, it->ev.event().id, false, vanished_.refusal(it->ev.event()));
        }
        batch = batch.first(size_t(refused - batch.begin()));
        if (batch.empty()) return;
    }
    if (sh_.feed) {  // a shared store: ephemeral events come here to be published
        auto eph = std::stable_partition(batch.begin(), batch.end(),
                                         [](const AddEvent& a) { return !nostr::is_ephemeral(a.ev.event().kind); });
        if (eph != batch.end()) publish(std::span(eph, batch.end()));
        batch = batch.first(size_t(eph - batch.begin()));
        if (batch.empty()) return;
    }
    std::vector<store::WriteItem> items;
    items.reserve(batch.size());
    for (auto& a : batch) items.push_back(a.ev);
    auto t0 = std::chrono::steady_clock::now();
    auto outcomes = sh_.store->write(items, unix_now());
    sh_.metrics.write_batch_seconds.observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    sh_.metrics.write_batch_events.observe(double(batch.size()));
    if (outcomes) {
        finish(batch, *outcomes);
        return;
    }
    if (store::is_unavailable(outcomes.error().message)) {  // no use retrying each event now
        failed(outcomes.error());
        sh_.metrics.events.inc("write_error", batch.size());
        for (auto& a : batch) sh_.send_ok(a.conn, a.ev.event().id, false, store::kUnavailableMessage);
        return;
    }
    // The batch failed as a whole. Write its events one transaction each, so only those
    // that cannot be written are refused: in a full store a duplicate, a deletion or a
    // smaller event still gets its answer.
    for (size_t i = 0; i < batch.size(); ++i) {
        auto one = batch.size() == 1 ? outcomes : sh_.store->write(std::span(items).subspan(i, 1), unix_now());
        if (one) {
            finish(batch.subspan(i, 1), *one);
        } else {
            failed(one.error());
            bool full = store::is_storage_full(one.error());
            sh_.metrics.events.inc(full ? "storage_full" : "write_error");
            sh_.send_ok(batch[i].conn, batch[i].ev.event().id, false,
                        full ? "error: storage full" : "error: could not store the event");
        }
    }
}

void Writer::failed(const Error& e) {
    // One line per episode: a full disk would otherwise log every event it refuses.
    if (failures_++ == 0) spdlog::error("cannot store events: {}; refusing them until writes succeed again", e.message);
}

void Writer::finish(std::span<AddEvent> batch, const std::vector<store::WriteOutcome>& outcomes) {
    // The episode ends with an event stored (a duplicate needs no space, so says nothing).
    if (failures_ > 0 && std::find(outcomes.begin(), outcomes.end(), store::WriteOutcome::stored) != outcomes.end()) {
        spdlog::info("storing events again, after {} refused", failures_);
        failures_ = 0;
    }
    // With a shared store the FeedReader numbers batches and goes live with them.
    uint64_t batch_no = sh_.feed ? 0 : sh_.committed_batch.load() + 1;
    if (!sh_.feed) sh_.committed_batch.store(batch_no);
    mon::Stored stored{batch_no, {}};
    for (size_t i = 0; i < batch.size(); ++i) {
        store::WriteOutcome o = outcomes[i];
        sh_.send_ok(batch[i].conn, batch[i].ev.event().id, store::outcome_accepted(o), store::outcome_message(o));
        if (o == store::WriteOutcome::stored) {
            sh_.metrics.events.inc("stored");
            if (names_this_relay(batch[i].ev.event(), sh_.cfg.public_urls, sh_.pubkey)) vanish(batch[i].ev);
            if (!sh_.feed) stored.events.push_back(std::make_shared<const LiveEvent>(std::move(batch[i].ev)));
        } else if (o == store::WriteOutcome::duplicate) {
            sh_.metrics.events.inc("duplicate");
        } else {
            sh_.metrics.events.inc("rejected");
        }
    }
    if (!stored.events.empty()) sh_.monitor_inbox.push(std::move(stored));
}

}  // namespace wsn::relay
