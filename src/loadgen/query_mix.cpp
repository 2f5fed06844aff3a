#include "loadgen/query_mix.hpp"

#include <array>
#include <map>

#include "loadgen/rng.hpp"
#include "util/hex.hpp"

namespace wsn::loadgen {

namespace {

using Authors = std::vector<crypto::XOnlyPubkey>;
using Kinds = std::vector<uint16_t>;

// A tag filter from the first one-letter tag of `e` with a value, if any.
bool tag_filter(const nostr::Event& e, nostr::Filter& f) {
    for (const auto& t : e.tags) {
        if (t.size() < 2 || t[0].size() != 1 || t[1].empty() || t[0] == "d") continue;
        f.tags.push_back({t[0][0], {t[1]}});
        return true;
    }
    return false;
}

std::vector<nostr::Filter> legacy_mix(const std::vector<nostr::Event>& events, size_t n) {
    constexpr std::array<uint64_t, 4> kLimits = {1, 10, 50, 100};
    std::vector<nostr::Filter> out;
    Rng rng(events.size());
    while (out.size() < n) {
        const auto& e = events[rng.below(events.size())];
        nostr::Filter f;
        const uint64_t limit = kLimits[rng.below(kLimits.size())];
        switch (out.size() % 5) {
            case 0: f.ids = std::vector<nostr::Id>{e.id}; break;
            case 1: f.authors = Authors{e.pubkey}, f.limit = limit; break;
            case 2: f.kinds = Kinds{e.kind}, f.limit = limit; break;
            case 3:
                if (!tag_filter(e, f)) f.kinds = Kinds{e.kind};
                f.limit = limit;
                break;
            default:
                f.authors = Authors{e.pubkey};
                f.kinds = Kinds{e.kind};
                f.limit = limit;
        }
        f.normalize();
        out.push_back(std::move(f));
    }
    return out;
}

enum class Ask { feed, thread, notifications, profiles, author_notes, hashtag, ids, follows, articles };
// One filter a slot, cycled: a thread is asked twice as often as the others.
constexpr std::array<Ask, 10> kCycle = {Ask::feed,   Ask::thread,  Ask::notifications, Ask::profiles, Ask::author_notes,
                                        Ask::thread, Ask::hashtag, Ask::ids,           Ask::follows,  Ask::articles};

// The events of the set a filter can be drawn from, by what they hold.
struct Pools {
    std::map<uint16_t, std::vector<const nostr::Event*>> by_kind;
    // "e", "p", "t" -> values seen in kinds 1, 6 and 7, which the tag filters ask for.
    std::map<std::string, std::vector<std::string_view>> tag_values;

    explicit Pools(const std::vector<nostr::Event>& events) {
        for (const auto& e : events) {
            by_kind[e.kind].push_back(&e);
            if (e.kind != 1 && e.kind != 6 && e.kind != 7) continue;
            for (const auto& t : e.tags)
                if (t.size() >= 2 && (t[0] == "e" || t[0] == "p" || t[0] == "t")) tag_values[t[0]].push_back(t[1]);
        }
    }
    const std::vector<const nostr::Event*>* kind(uint16_t k) const {
        auto it = by_kind.find(k);
        return it == by_kind.end() ? nullptr : &it->second;
    }
    const std::vector<std::string_view>* values(const std::string& name) const {
        auto it = tag_values.find(name);
        return it == tag_values.end() ? nullptr : &it->second;
    }
};

template <class T>
const T& pick(Rng& rng, const std::vector<T>& v) {
    return v[rng.below(v.size())];
}

// The filter for `ask`; false when the set has nothing it could match.
bool realistic_filter(Ask ask, const std::vector<nostr::Event>& events, const Pools& pools, Rng& rng, nostr::Filter& f) {
    auto tag = [&](char name, Kinds kinds, std::optional<uint64_t> limit) {
        const auto* v = pools.values(std::string(1, name));
        if (!v) return false;
        f.tags.push_back({name, {std::string(pick(rng, *v))}});
        f.kinds = std::move(kinds);
        f.limit = limit;
        return true;
    };
    auto of_kind = [&](uint16_t k) { return pools.kind(k) ? pick(rng, *pools.kind(k)) : nullptr; };
    switch (ask) {
        case Ask::feed: {
            const auto* list = of_kind(3);
            if (!list) return false;
            Authors authors;
            for (const auto& t : list->tags)
                if (t.size() >= 2 && t[0] == "p")
                    if (auto b = from_hex_fixed<32>(t[1])) authors.push_back({*b});
            f.authors = std::move(authors);
            f.kinds = Kinds{1, 6};
            f.limit = 50;
            return true;
        }
        case Ask::thread: return tag('e', {1, 6, 7}, std::nullopt);
        case Ask::notifications: return tag('p', {1, 6, 7}, 50);
        case Ask::hashtag: return tag('t', {1}, 50);
        case Ask::profiles: {
            const auto* profile = of_kind(0);
            if (!profile) return false;
            Authors authors{profile->pubkey};
            for (auto n = rng.below(20); n > 0; --n) authors.push_back(pick(rng, events).pubkey);
            f.authors = std::move(authors);
            f.kinds = Kinds{0};
            return true;
        }
        case Ask::author_notes: {
            const auto* note = of_kind(1);
            if (!note) return false;
            f.authors = Authors{note->pubkey};
            f.kinds = Kinds{1, 6};
            f.limit = 20;
            return true;
        }
        case Ask::ids: {
            std::vector<nostr::Id> ids;
            for (auto n = rng.between(1, 5); n > 0; --n) ids.push_back(pick(rng, events).id);
            f.ids = std::move(ids);
            return true;
        }
        case Ask::follows: {
            const auto* list = of_kind(3);
            if (!list) return false;
            f.authors = Authors{list->pubkey};
            f.kinds = Kinds{3};
            f.limit = 1;
            return true;
        }
        case Ask::articles:
            if (!of_kind(30023)) return false;
            f.kinds = Kinds{30023};
            f.limit = 20;
            return true;
    }
    return false;
}

std::vector<nostr::Filter> realistic_mix(const std::vector<nostr::Event>& events, size_t n) {
    std::vector<nostr::Filter> out;
    const Pools pools(events);
    Rng rng(events.size());
    while (out.size() < n) {
        nostr::Filter f;
        // A set without what a slot asks for (a tiny one) asks for ids there instead.
        if (!realistic_filter(kCycle[out.size() % kCycle.size()], events, pools, rng, f)) {
            f = {};
            realistic_filter(Ask::ids, events, pools, rng, f);
        }
        f.normalize();
        out.push_back(std::move(f));
    }
    return out;
}

}  // namespace

std::vector<nostr::Filter> query_mix(const std::vector<nostr::Event>& events, size_t n, Mix mix) {
    if (events.empty()) return {};
    return mix == Mix::legacy ? legacy_mix(events, n) : realistic_mix(events, n);
}

}  // namespace wsn::loadgen
