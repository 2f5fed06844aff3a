// Builds the data set in two passes: the fields and ids in order (a reply names an
// earlier event's id), then the signatures on several threads (each depends only on
// its own event, key and aux, so the bytes do not depend on the thread count). A
// repost embeds its target's JSON, signature included, so a repost's target is
// signed in the first pass, when the repost is made.
#include "loadgen/generator.hpp"

#include <algorithm>
#include <array>
#include <string_view>
#include <thread>

#include "crypto/hash.hpp"
#include "loadgen/rng.hpp"
#include "util/hex.hpp"

namespace wsn::loadgen {

namespace {

void put_u64(crypto::Sha256& h, uint64_t v) {
    std::array<uint8_t, 8> b;
    for (int i = 0; i < 8; ++i) b[i] = uint8_t(v >> (8 * i));
    h.update(b);
}

std::array<uint8_t, 32> derive(std::string_view label, uint64_t seed, uint64_t index, uint64_t counter = 0) {
    crypto::Sha256 h;
    h.update(label);
    put_u64(h, seed);
    put_u64(h, index);
    put_u64(h, counter);
    return h.finish();
}

constexpr std::array<std::string_view, 48> kWords = {
    "nostr", "relay", "note",   "key",    "signal", "today", "coffee", "bitcoin", "zap",   "thread", "reply", "morning",
    "build", "ship",  "test",   "rust",   "c++",    "rain",  "garden", "music",   "photo", "link",   "event", "freedom",
    "open",  "wire",  "packet", "secret", "shared", "fast",  "slow",   "friends", "hello", "world",  "code",  "network",
    "tor",   "onion", "proxy",  "quiet",  "loud",   "the",   "a",      "and",     "of",    "to",     "in",    "is"};
constexpr std::array<std::string_view, 12> kHashtags = {"nostr",  "bitcoin", "photography", "music", "dev",  "wsn",
                                                        "grownostr", "zaps", "coffee",      "art",   "news", "memes"};
constexpr std::array<std::string_view, 5> kReactions = {"+", "+", "+", "-", "\xF0\x9F\xA4\x99"};  // 🤙

// What one event is; a mix draws r in [0, 100) and takes the first shape of its
// cascade with r below the shape's bound that can be made (an author's second
// profile or follow list cannot, nor a reaction before there is a target).
enum class Shape { profile, follows, reaction, repost, article, note };

struct MixTable {
    std::array<std::pair<Shape, unsigned>, 6> cascade;  // up to the first bound of 100 (what follows is padding)
    uint64_t follows_min, follows_max;                  // p tags of a kind 3
    uint64_t article_min, article_max;                  // content bytes of a kind 30023
    unsigned reply_percent;                             // notes that reply to a target
    bool notes_are_targets;  // replies, reactions and reposts point at kind 1 notes (else at any earlier event)
    bool nip10;              // replies carry NIP-10 root and reply markers; articles take no reply tags
};

constexpr MixTable kLegacy = {
    {{{Shape::profile, 6}, {Shape::follows, 10}, {Shape::reaction, 35}, {Shape::article, 40}, {Shape::note, 100}, {Shape::note, 100}}},
    20, 400, 1000, 12000, 30, false, false};
// Shares by draw (profiles and follow lists fewer once most authors have one):
// kind 1 55 %, kind 7 30 %, kind 6 8 %, kind 30023 2 %, kind 0 3 %, kind 3 2 %.
constexpr MixTable kRealistic = {
    {{{Shape::profile, 3}, {Shape::follows, 5}, {Shape::reaction, 35}, {Shape::repost, 43}, {Shape::article, 45}, {Shape::note, 100}}},
    50, 350, 1500, 12000, 40, true, true};

std::string words(Rng& rng, size_t length) {
    std::string s;
    while (s.size() < length) {
        if (!s.empty()) s += rng.chance(8) ? ".\n" : " ";
        s += kWords[rng.below(kWords.size())];
    }
    return s;
}

// Note lengths: mostly short, a long tail.
size_t note_length(Rng& rng) {
    auto r = rng.below(100);
    if (r < 50) return rng.between(20, 140);
    if (r < 85) return rng.between(140, 600);
    if (r < 98) return rng.between(600, 2000);
    return rng.between(2000, 8000);
}

struct Builder {
    Builder(const GenOptions& o, const MixTable& m) : opts(o), mix(m), rng(o.seed) {}
    const GenOptions& opts;
    const MixTable& mix;
    Rng rng;
    std::vector<crypto::SecretKey> keys;
    std::vector<crypto::XOnlyPubkey> pubkeys;
    std::vector<std::string> author_hex;
    std::vector<bool> has_profile, has_follows;
    std::vector<nostr::Event> events;
    std::vector<size_t> author_of;
    std::vector<size_t> root_of;  // a note's thread root (itself when it is not a reply)
    std::vector<size_t> notes;    // indices of kind 1 events
    std::vector<bool> is_signed;
    std::string scratch;

    std::string pick_author_hex() { return author_hex[rng.below(author_hex.size())]; }
    bool has_target() const { return mix.notes_are_targets ? !notes.empty() : !events.empty(); }
    size_t pick_target() { return mix.notes_are_targets ? notes[rng.below(notes.size())] : size_t(rng.below(events.size())); }

    // Thread-safe for distinct i.
    crypto::Signature signature(size_t i) const {
        return crypto::schnorr_sign(keys[author_of[i]], events[i].id, derive("wsn-bench aux", opts.seed, i));
    }

    void add(size_t author, uint16_t kind, std::vector<nostr::Tag> tags, std::string content, size_t root = SIZE_MAX) {
        nostr::Event e;
        e.pubkey = pubkeys[author];
        e.created_at = opts.base_time + int64_t(events.size());
        e.kind = kind;
        e.tags = std::move(tags);
        e.content = std::move(content);
        e.id = nostr::compute_id(e, scratch);
        root_of.push_back(root == SIZE_MAX ? events.size() : root);
        if (kind == 1) notes.push_back(events.size());
        events.push_back(std::move(e));
        author_of.push_back(author);
        is_signed.push_back(false);
    }

    void hashtags(std::vector<nostr::Tag>& tags, unsigned percent) {
        for (auto n = rng.below(100) < percent ? rng.between(1, 3) : 0; n > 0; --n)
            tags.push_back({"t", std::string(kHashtags[rng.below(kHashtags.size())])});
    }

    // A note's tags; returns its thread root when it is a reply (else SIZE_MAX).
    size_t note_tags(std::vector<nostr::Tag>& tags) {
        size_t root = SIZE_MAX;
        if (has_target() && rng.chance(mix.reply_percent)) {
            const size_t parent = pick_target();
            const auto& p = events[parent];
            root = root_of[parent];
            if (!mix.nip10) {
                tags.push_back({"e", nostr::id_hex(p.id), "", "reply"});
            } else if (root == parent) {
                tags.push_back({"e", nostr::id_hex(p.id), "", "root"});
            } else {
                tags.push_back({"e", nostr::id_hex(events[root].id), "", "root"});
                tags.push_back({"e", nostr::id_hex(p.id), "", "reply"});
                if (events[root].pubkey != p.pubkey) tags.push_back({"p", to_hex(events[root].pubkey.bytes)});
            }
            tags.push_back({"p", to_hex(p.pubkey.bytes)});
        } else if (rng.chance(10)) {
            tags.push_back({"p", pick_author_hex()});
        }
        hashtags(tags, 25);
        return root;
    }

    // Makes event number events.size() by `author` in `shape`; false if it cannot be made.
    bool make(Shape shape, size_t a) {
        std::vector<nostr::Tag> tags;
        switch (shape) {
            case Shape::profile: {
                if (has_profile[a]) return false;
                has_profile[a] = true;
                std::string content = "{\"name\":\"bench-user-" + std::to_string(a) + "\",\"about\":\"" +
                                      words(rng, rng.between(10, 200)) + "\",\"picture\":\"https://example.com/avatars/" +
                                      std::to_string(a) + ".png\",\"nip05\":\"user" + std::to_string(a) + "@example.com\"}";
                add(a, 0, {}, std::move(content));
                return true;
            }
            case Shape::follows:
                if (has_follows[a]) return false;
                has_follows[a] = true;
                for (auto n = rng.between(mix.follows_min, mix.follows_max); n > 0; --n) {
                    // Follows beyond the pool are hashes: a p tag's value is not checked as a point.
                    std::string hex = rng.chance(50) ? pick_author_hex() : to_hex(derive("wsn-bench follow", opts.seed, rng.next()));
                    tags.push_back({"p", std::move(hex)});
                }
                add(a, 3, std::move(tags), "");
                return true;
            case Shape::reaction: {
                if (!has_target()) return false;
                const auto& target = events[pick_target()];
                tags.push_back({"e", nostr::id_hex(target.id)});
                tags.push_back({"p", to_hex(target.pubkey.bytes)});
                add(a, 7, std::move(tags), std::string(kReactions[rng.below(kReactions.size())]));
                return true;
            }
            case Shape::repost: {  // NIP-18: the e tag names a relay; the content is the note's JSON
                if (!has_target()) return false;
                const size_t t = pick_target();
                if (!is_signed[t]) {
                    events[t].sig = signature(t);
                    is_signed[t] = true;
                }
                tags.push_back({"e", nostr::id_hex(events[t].id), "wss://relay.example.com/"});
                tags.push_back({"p", to_hex(events[t].pubkey.bytes)});
                add(a, 6, std::move(tags), nostr::to_json(events[t]));
                return true;
            }
            case Shape::article: {
                const std::string d = "article-" + std::to_string(events.size());  // unique: never replaced
                tags.push_back({"d", d});
                tags.push_back({"title", words(rng, rng.between(10, 60))});
                tags.push_back({"published_at", std::to_string(opts.base_time + int64_t(events.size()))});
                if (mix.nip10)
                    hashtags(tags, 80);
                else
                    note_tags(tags);
                add(a, 30023, std::move(tags), words(rng, rng.between(mix.article_min, mix.article_max)));
                return true;
            }
            case Shape::note: {
                const size_t root = note_tags(tags);
                add(a, 1, std::move(tags), words(rng, note_length(rng)), root);
                return true;
            }
        }
        return false;
    }
};

}  // namespace

int64_t recent_base_time(int64_t now) {
    constexpr int64_t kDay = 86400;
    return (now / kDay - 30) * kDay;
}

size_t default_authors(Mix mix) { return mix == Mix::legacy ? 100 : 1000; }

crypto::SecretKey author_key(uint64_t seed, size_t index) {
    for (uint64_t counter = 0;; ++counter) {  // a hash is a valid key but with probability ~2^-128
        auto k = crypto::SecretKey::from_bytes(derive("wsn-bench author", seed, index, counter));
        if (k) return std::move(*k);
    }
}

std::vector<nostr::Event> generate(const GenOptions& opts) {
    const size_t n_authors = std::max<size_t>(1, opts.authors);
    Builder b(opts, opts.mix == Mix::legacy ? kLegacy : kRealistic);
    for (size_t j = 0; j < n_authors; ++j) {
        b.keys.push_back(author_key(opts.seed, j));
        b.pubkeys.push_back(b.keys.back().xonly_pubkey());
        b.author_hex.push_back(to_hex(b.pubkeys.back().bytes));
    }
    b.has_profile.assign(n_authors, false);
    b.has_follows.assign(n_authors, false);
    b.events.reserve(opts.count);
    while (b.events.size() < opts.count) {
        const size_t a = size_t(b.rng.below(n_authors));
        const auto r = b.rng.below(100);
        for (const auto& [shape, bound] : b.mix.cascade)
            if (r < bound && b.make(shape, a)) break;
    }

    const unsigned threads = std::max(1u, opts.threads);
    auto work = [&](size_t first) {
        for (size_t i = first; i < b.events.size(); i += threads)
            if (!b.is_signed[i]) b.events[i].sig = b.signature(i);
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work, t);
    work(0);
    for (auto& t : pool) t.join();
    return std::move(b.events);
}

}  // namespace wsn::loadgen
