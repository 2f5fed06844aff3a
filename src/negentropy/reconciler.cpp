#include "negentropy/reconciler.hpp"

#include <algorithm>
#include <cassert>

namespace wsn::negentropy {

namespace {

constexpr size_t kBuckets = 16;
// Room kept under the frame size for the range that closes a cut-short message.
constexpr size_t kFrameMargin = 200;

void write_ids(Encoder& o, const Bound& upper, std::span<const Item> items) {
    o.bound(upper);
    o.mode(Mode::id_list);
    o.varint(items.size());
    for (const auto& item : items) o.bytes(item.id);
}

// Ids in ours and not in theirs, and the other way round.
void diff(std::span<const Item> ours, std::vector<Id> theirs, std::vector<Id>& have, std::vector<Id>& need) {
    std::vector<Id> mine;
    mine.reserve(ours.size());
    for (const auto& item : ours) mine.push_back(item.id);
    std::sort(mine.begin(), mine.end());
    std::sort(theirs.begin(), theirs.end());
    theirs.erase(std::unique(theirs.begin(), theirs.end()), theirs.end());
    std::set_difference(mine.begin(), mine.end(), theirs.begin(), theirs.end(), std::back_inserter(have));
    std::set_difference(theirs.begin(), theirs.end(), mine.begin(), mine.end(), std::back_inserter(need));
}

}  // namespace

Reconciler::Reconciler(const ItemSet& items, Limits limits) : items_(items), limits_(limits) {
    assert(limits_.frame_size == 0 || limits_.frame_size >= 4096);
}

bool Reconciler::exceeded(size_t size) const {
    return limits_.frame_size != 0 && size > limits_.frame_size - kFrameMargin;
}

std::string Reconciler::initiate() {
    assert(!started_);
    started_ = initiator_ = true;
    Encoder e = Encoder::message();
    split(0, items_.size(), Bound::infinity(), e);
    return std::move(e).take();
}

void Reconciler::split(size_t lower, size_t upper, const Bound& upper_bound, Encoder& o) const {
    size_t n = upper - lower;
    if (n < 2 * kBuckets) {
        // The initiator never sends its ids, only a fingerprint for the responder to answer
        // with its ids: it learns the difference either way (in as many rounds), and this also
        // works with responders that do not answer an IdList with theirs (nostr-tools' nip77.js
        // computes the difference on its own side instead).
        if (initiator_) {
            o.bound(upper_bound);
            o.mode(Mode::fingerprint);
            o.bytes(items_.fingerprint(lower, upper));
        } else {
            write_ids(o, upper_bound, items_.items().subspan(lower, n));
        }
        return;
    }
    size_t per_bucket = n / kBuckets, extra = n % kBuckets;
    size_t begin = lower;
    for (size_t i = 0; i < kBuckets; ++i) {
        size_t end = begin + per_bucket + (i < extra ? 1 : 0);
        o.bound(end == upper ? upper_bound : Bound::between(items_[end - 1], items_[end]));
        o.mode(Mode::fingerprint);
        o.bytes(items_.fingerprint(begin, end));
        begin = end;
    }
}

Result<Progress> Reconciler::reconcile(std::span<const uint8_t> message) {
    started_ = true;
    auto parsed = parse_message(message, limits_.max_message);
    if (!parsed) return parsed.error();
    Progress p;
    Encoder full = Encoder::message();
    if (parsed->version != kVersion) {
        if (initiator_)
            return err("the peer speaks negentropy version " + std::to_string(parsed->version - 0x60) + " only");
        p.reply = std::move(full).take();  // our version alone: the peer may start again in it
        return p;
    }

    size_t prev_index = 0;     // where the current range starts
    size_t emitted_index = 0;  // where the ranges written so far end
    Bound prev_bound;
    bool skip = false;  // the ranges since the last one written are skipped, not yet said
    for (const Range& r : parsed->ranges) {
        Encoder o = full.fork();
        size_t o_end = emitted_index;
        std::vector<Id> have, need;
        const size_t lower = prev_index;
        size_t upper = items_.lower_bound(prev_index, r.upper);
        bool cut_short = false;
        const bool skip_before = skip;
        auto say_skip = [&] {
            if (!skip) return;
            skip = false;
            o.bound(prev_bound);
            o.mode(Mode::skip);
            o_end = lower;
        };

        switch (r.mode) {
            case Mode::skip:
                skip = true;
                break;
            case Mode::fingerprint:
                if (r.fingerprint == items_.fingerprint(lower, upper)) {
                    skip = true;
                } else {
                    say_skip();
                    split(lower, upper, r.upper, o);
                    o_end = upper;
                }
                break;
            case Mode::id_list:
                if (initiator_) {
                    diff(items_.items().subspan(lower, upper - lower), r.ids, have, need);
                    skip = true;
                } else {
                    // Our ids of the range, as many as fit; the rest goes into the closing fingerprint.
                    say_skip();
                    size_t end = lower;
                    const size_t header = 64;  // bound, mode and count
                    while (end < upper && !exceeded(full.size() + o.size() + header + 32 * (end - lower + 1))) ++end;
                    Bound b = r.upper;
                    if (end < upper) {
                        b = Bound::at(items_[end]);
                        cut_short = true;
                    }
                    write_ids(o, b, items_.items().subspan(lower, end - lower));
                    o_end = upper = end;
                }
                break;
        }

        bool keep = cut_short || !exceeded(full.size() + o.size());
        if (keep) {
            if (!o.empty()) emitted_index = o_end;
            full.append(std::move(o));
            for (const auto& id : have)
                if (reported_.insert(id).second) p.have.push_back(id);
            for (const auto& id : need)
                if (reported_.insert(id).second) p.need.push_back(id);
            prev_index = upper;
            prev_bound = r.upper;
        } else {
            skip = skip_before;
        }
        if (!keep || cut_short || exceeded(full.size())) {
            // Out of room: the settled ranges skipped, then one fingerprint for everything
            // not yet answered, which the peer splits again.
            if (skip) {
                full.bound(prev_bound);
                full.mode(Mode::skip);
                emitted_index = prev_index;
            }
            full.bound(Bound::infinity());
            full.mode(Mode::fingerprint);
            full.bytes(items_.fingerprint(emitted_index, items_.size()));
            break;
        }
    }

    if (initiator_ && full.size() == 1) {
        p.done = true;
        return p;
    }
    p.reply = std::move(full).take();
    return p;
}

}  // namespace wsn::negentropy
