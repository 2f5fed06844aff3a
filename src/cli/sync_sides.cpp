#include "util/clock.hpp"
#include "cli/sync_sides.hpp"

#include <algorithm>
#include <ctime>
#include <limits>
#include <deque>
#include <set>
#include <thread>

#include <fmt/core.h>

#include "negentropy/reconciler.hpp"
#include "nostr/message.hpp"
#include "relay/accept.hpp"
#include "util/hex.hpp"

namespace wsn::cli {

namespace {

// Events asked for in one REQ: at most the relay's default cap on a filter's limit
// (limits.max_limit, 500), so none is cut off.
constexpr size_t kIdsPerReq = 500;
// EVENTs sent before their OKs are awaited: enough to hide the round trip, little enough
// for any relay's send queue and rate limits.
constexpr size_t kPublishWindow = 64;

}  // namespace

std::vector<nostr::Id> ids_missing(std::vector<nostr::Id> a, std::vector<nostr::Id> b) {
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    std::vector<nostr::Id> out;
    std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

// ---- the store

StoreSide::StoreSide(std::unique_ptr<store::Store> db, relay::Config cfg, std::string name)
    : db_(std::move(db)), cfg_(std::move(cfg)), name_(std::move(name)), parser_(relay::parser_limits(cfg_)) {
    // An unreadable state fails the writes anyway, with the store's own error.
    if (auto m = relay::load_moderation(*db_)) moderation_ = std::move(*m);
}

negentropy::ItemSet StoreSide::items(const nostr::Filter& filter) const {
    std::vector<store::IdItem> found;
    auto scan = db_->scan_ids({filter}, std::numeric_limits<uint64_t>::max(), unix_now());
    while (!scan->step(100000, found)) {
    }
    std::vector<negentropy::Item> items;
    items.reserve(found.size());
    for (const auto& f : found) items.push_back({uint64_t(f.created_at), f.id});
    return negentropy::ItemSet(std::move(items));
}

Status StoreSide::get(std::span<const nostr::Id> ids, const EventSink& sink) {
    nostr::Filter f;
    f.ids.emplace(ids.begin(), ids.end());
    f.normalize();
    auto q = db_->query({std::move(f)}, ids.size(), unix_now());
    std::string bad;
    try {
        while (!q->step(10000, [&](const store::StoredEvent& e) {
            auto ev = parser_.parse_event(e.json);
            if (ev) sink(std::move(*ev));
            else bad = ev.error().message;
        })) {
        }
    } catch (const store::DbError& e) {
        return err(name_ + ": " + e.what());
    }
    if (!bad.empty()) return err(name_ + ": a stored event cannot be read: " + bad);
    return Ok{};
}

Status StoreSide::put(std::vector<nostr::Event> events, Taken& taken) {
    const int64_t now = unix_now();
    std::vector<store::WriteItem> items;
    for (auto& e : events) {
        if (nostr::is_ephemeral(e.kind)) {
            taken.refuse("ephemeral: not stored");
            continue;
        }
        if (std::string why = relay::event_refusal(cfg_, moderation_, e, now); !why.empty()) {
            taken.refuse(why);
            continue;
        }
        items.emplace_back(std::move(e));
    }
    if (items.empty()) return Ok{};
    auto res = db_->write(items, now);
    if (!res) return err(name_ + ": write failed: " + res.error().message);
    for (auto o : *res) {
        if (store::outcome_accepted(o)) ++taken.accepted;
        else taken.refuse(std::string(store::outcome_message(o)));
    }
    return Ok{};
}

// ---- a relay

RelaySide::RelaySide(net::BlockingClient client, std::string uri, std::chrono::milliseconds timeout)
    : client_(std::move(client)), uri_(std::move(uri)), timeout_(timeout) {}

Status RelaySide::send(std::string text) {
    if (auto s = client_.send(std::move(text)); !s) return err(uri_ + ": " + s.error().message);
    return Ok{};
}

Result<nostr::RelayMessage> RelaySide::next() {
    auto deadline = std::chrono::steady_clock::now() + timeout_;
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            return err(fmt::format("{}: no answer within {:g} s", uri_, timeout_.count() / 1000.0));
        auto m = client_.receive(left);
        if (!m) {
            std::string why = m.error().message;
            if (const auto& ci = client_.close_info(); ci && !ci->reason.empty()) why += " (" + ci->reason + ")";
            return err(uri_ + ": the connection ended: " + why);
        }
        if (!*m) continue;
        auto msg = parser_.parse_relay_message(**m);
        if (!msg) {
            fmt::print(stderr, "wsn: {}: skipped a message: {}\n", uri_, msg.error().message);
            continue;
        }
        if (auto* n = std::get_if<nostr::RelayNotice>(&*msg)) {
            fmt::print(stderr, "wsn: {}: NOTICE: {}\n", uri_, n->message);
            continue;
        }
        return std::move(*msg);
    }
}

Result<RelaySide::Diff> RelaySide::reconcile(const negentropy::ItemSet& ours, const nostr::Filter& filter,
                                             const std::function<void(const Diff&)>& on_round) {
    const std::string sub = "wsn-sync-" + std::to_string(++subs_);
    negentropy::Reconciler rec(ours, negentropy::Limits{});
    if (auto s = send(nostr::to_json(nostr::ClientMessage{nostr::ClientNegOpen{sub, filter, rec.initiate()}})); !s)
        return s.error();
    Diff diff;
    for (;;) {
        auto m = next();
        if (!m) return m.error();
        if (auto* e = std::get_if<nostr::RelayNegErr>(&*m); e && e->sub_id == sub)
            return err(uri_ + ": the relay refused the sync: " + e->message);
        if (auto* c = std::get_if<nostr::RelayClosed>(&*m); c && c->sub_id == sub)
            return err(uri_ + ": the relay refused the sync: " + c->message);
        auto* nm = std::get_if<nostr::RelayNegMsg>(&*m);
        if (!nm || nm->sub_id != sub) continue;
        auto step = rec.reconcile(negentropy::as_bytes(nm->message));
        if (!step) {
            (void)send(nostr::to_json(nostr::ClientMessage{nostr::ClientNegClose{sub}}));
            return err(uri_ + ": bad negentropy message from the relay: " + step.error().message);
        }
        diff.have.insert(diff.have.end(), step->have.begin(), step->have.end());
        diff.need.insert(diff.need.end(), step->need.begin(), step->need.end());
        if (on_round) on_round(diff);
        if (step->done) {
            (void)send(nostr::to_json(nostr::ClientMessage{nostr::ClientNegClose{sub}}));
            return diff;
        }
        if (auto s = send(nostr::to_json(nostr::ClientMessage{nostr::ClientNegMsg{sub, std::move(step->reply)}})); !s)
            return s.error();
    }
}

Status RelaySide::get(std::span<const nostr::Id> ids, const EventSink& sink) {
    for (size_t at = 0; at < ids.size(); at += kIdsPerReq) {
        auto part = ids.subspan(at, std::min(kIdsPerReq, ids.size() - at));
        std::set<nostr::Id> wanted(part.begin(), part.end());
        nostr::Filter f;
        f.ids.emplace(part.begin(), part.end());
        f.limit = part.size();
        f.normalize();
        const std::string sub = "wsn-sync-" + std::to_string(++subs_);
        const std::string req = nostr::to_json(nostr::ClientMessage{nostr::ClientReq{sub, {std::move(f)}}});
        if (auto s = send(req); !s) return s;
        int attempts = 1;
        for (bool done = false; !done;) {
            auto m = next();
            if (!m) return m.error();
            if (auto* e = std::get_if<nostr::RelayEvent>(&*m); e && e->sub_id == sub) {
                // Only what was asked for, and only genuine events: a relay is not trusted.
                if (wanted.erase(e->event.id) == 0) continue;
                if (auto v = nostr::verify(e->event); !v) {
                    fmt::print(stderr, "wsn: {}: dropped event {}: {}\n", uri_, nostr::id_hex(e->event.id),
                               v.error().message);
                    continue;
                }
                sink(std::move(e->event));
            } else if (auto* eose = std::get_if<nostr::RelayEose>(&*m); eose && eose->sub_id == sub) {
                (void)send(nostr::to_json(nostr::ClientMessage{nostr::ClientClose{sub}}));
                done = true;
            } else if (auto* c = std::get_if<nostr::RelayClosed>(&*m); c && c->sub_id == sub) {
                // Rate-limited: the same request again after a pause, a few times.
                if (c->message.starts_with("rate-limited:") && attempts < 8) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(250 << attempts++));
                    if (auto s = send(req); !s) return s;
                    continue;
                }
                fmt::print(stderr, "wsn: {}: a request for events was closed: {}\n", uri_, c->message);
                done = true;
            }
        }
    }
    return Ok{};
}

Status RelaySide::put(std::vector<nostr::Event> events, Taken& taken) {
    // A relay that says "rate-limited:" gets fewer events in flight (halved, then growing
    // by one per OK true), a pause (doubling while it keeps saying so), and the event again
    // later. Only after a minute without any event taken does the refusal stand.
    using clock = std::chrono::steady_clock;
    constexpr std::chrono::milliseconds kFirstPause{250}, kLongestPause{4000};
    constexpr std::chrono::seconds kGiveUp{60};
    std::map<nostr::Id, size_t> pending;  // sent, awaiting OK -> index in events
    std::deque<size_t> retry;
    size_t next_event = 0, window = kPublishWindow;
    auto pause = kFirstPause;
    clock::time_point resume_at{}, last_taken = clock::now();
    while (next_event < events.size() || !retry.empty() || !pending.empty()) {
        if (clock::now() >= resume_at)
            while (pending.size() < window && (!retry.empty() || next_event < events.size())) {
                size_t i = next_event;
                if (retry.empty()) ++next_event;
                else i = retry.front(), retry.pop_front();
                pending.emplace(events[i].id, i);
                if (auto s = send(nostr::to_json(nostr::ClientMessage{nostr::ClientEvent{events[i]}})); !s) return s;
            }
        if (pending.empty()) {
            std::this_thread::sleep_until(resume_at);
            continue;
        }
        auto m = next();
        if (!m) return m.error();
        auto* ok = std::get_if<nostr::RelayOk>(&*m);
        if (!ok) continue;
        auto it = pending.find(ok->event_id);
        if (it == pending.end()) continue;
        size_t i = it->second;
        pending.erase(it);
        auto now = clock::now();
        if (ok->accepted) {
            ++taken.accepted;
            last_taken = now;
            pause = kFirstPause;
            window = std::min(window + 1, kPublishWindow);
        } else if (ok->message.starts_with("rate-limited:") && now - last_taken < kGiveUp) {
            retry.push_back(i);
            if (now >= resume_at) {  // once per pause
                resume_at = now + pause;
                pause = std::min(pause * 2, kLongestPause);
                window = std::max<size_t>(window / 2, 1);
            }
        } else {
            taken.refuse(ok->message);
        }
    }
    return Ok{};
}

}  // namespace wsn::cli
