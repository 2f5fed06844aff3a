// Builds the data set in two passes: the fields and ids in order (a reply names an
// earlier event's id), then the signatures on several threads (each depends only on
// its own event, key and aux, so the bytes do not depend on the thread count).
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
    const GenOptions& opts;
    Rng rng;
    std::vector<std::string> author_hex;
    std::vector<bool> has_profile, has_follows;
    std::vector<nostr::Event> events;
    std::vector<size_t> author_of;
    std::string scratch;

    std::string pick_author_hex() { return author_hex[rng.below(author_hex.size())]; }
    size_t pick_earlier() { return size_t(rng.below(events.size())); }

    void add(size_t author, const crypto::XOnlyPubkey& pk, uint16_t kind, std::vector<nostr::Tag> tags,
             std::string content) {
        nostr::Event e;
        e.pubkey = pk;
        e.created_at = opts.base_time + int64_t(events.size());
        e.kind = kind;
        e.tags = std::move(tags);
        e.content = std::move(content);
        e.id = nostr::compute_id(e, scratch);
        events.push_back(std::move(e));
        author_of.push_back(author);
    }

    void note(std::vector<nostr::Tag>& tags) {
        if (!events.empty() && rng.chance(30)) {
            const auto& parent = events[pick_earlier()];
            tags.push_back({"e", nostr::id_hex(parent.id), "", "reply"});
            tags.push_back({"p", to_hex(parent.pubkey.bytes)});
        } else if (rng.chance(10)) {
            tags.push_back({"p", pick_author_hex()});
        }
        for (auto n = rng.below(100) < 25 ? rng.between(1, 3) : 0; n > 0; --n)
            tags.push_back({"t", std::string(kHashtags[rng.below(kHashtags.size())])});
    }
};

}  // namespace

crypto::SecretKey author_key(uint64_t seed, size_t index) {
    for (uint64_t counter = 0;; ++counter) {  // a hash is a valid key but with probability ~2^-128
        auto k = crypto::SecretKey::from_bytes(derive("wsn-bench author", seed, index, counter));
        if (k) return std::move(*k);
    }
}

void sign_all(std::vector<nostr::Event>& events, const std::vector<crypto::SecretKey>& keys,
              const std::vector<size_t>& author, uint64_t seed, unsigned threads) {
    threads = std::max(1u, threads);
    auto work = [&](size_t first) {
        for (size_t i = first; i < events.size(); i += threads)
            events[i].sig = crypto::schnorr_sign(keys[author[i]], events[i].id, derive("wsn-bench aux", seed, i));
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work, t);
    work(0);
    for (auto& t : pool) t.join();
}

std::vector<nostr::Event> generate(const GenOptions& opts) {
    const size_t n_authors = std::max<size_t>(1, opts.authors);
    std::vector<crypto::SecretKey> keys;
    std::vector<crypto::XOnlyPubkey> pubkeys;
    Builder b{opts, Rng(opts.seed), {}, std::vector<bool>(n_authors), std::vector<bool>(n_authors), {}, {}, {}};
    for (size_t j = 0; j < n_authors; ++j) {
        keys.push_back(author_key(opts.seed, j));
        pubkeys.push_back(keys.back().xonly_pubkey());
        b.author_hex.push_back(to_hex(pubkeys.back().bytes));
    }
    b.events.reserve(opts.count);
    while (b.events.size() < opts.count) {
        const size_t a = size_t(b.rng.below(n_authors));
        const auto r = b.rng.below(100);
        std::vector<nostr::Tag> tags;
        if (!b.has_profile[a] && r < 6) {
            b.has_profile[a] = true;
            std::string content = "{\"name\":\"bench-user-" + std::to_string(a) + "\",\"about\":\"" +
                                  words(b.rng, b.rng.between(10, 200)) +
                                  "\",\"picture\":\"https://example.com/avatars/" + std::to_string(a) +
                                  ".png\",\"nip05\":\"user" + std::to_string(a) + "@example.com\"}";
            b.add(a, pubkeys[a], 0, {}, std::move(content));
        } else if (!b.has_follows[a] && r < 10) {
            b.has_follows[a] = true;
            for (auto n = b.rng.between(20, 400); n > 0; --n) {
                // Follows beyond the pool are hashes: a p tag's value is not checked as a point.
                std::string hex = b.rng.chance(50) ? b.pick_author_hex()
                                                   : to_hex(derive("wsn-bench follow", opts.seed, b.rng.next()));
                tags.push_back({"p", std::move(hex)});
            }
            b.add(a, pubkeys[a], 3, std::move(tags), "");
        } else if (!b.events.empty() && r < 35) {
            const auto& target = b.events[b.pick_earlier()];
            tags.push_back({"e", nostr::id_hex(target.id)});
            tags.push_back({"p", to_hex(target.pubkey.bytes)});
            b.add(a, pubkeys[a], 7, std::move(tags), std::string(kReactions[b.rng.below(kReactions.size())]));
        } else if (r < 40) {
            const std::string d = "article-" + std::to_string(b.events.size());  // unique: never replaced
            tags.push_back({"d", d});
            tags.push_back({"title", words(b.rng, b.rng.between(10, 60))});
            tags.push_back({"published_at", std::to_string(opts.base_time + int64_t(b.events.size()))});
            b.note(tags);
            b.add(a, pubkeys[a], 30023, std::move(tags), words(b.rng, b.rng.between(1000, 12000)));
        } else {
            b.note(tags);
            b.add(a, pubkeys[a], 1, std::move(tags), words(b.rng, note_length(b.rng)));
        }
    }
    sign_all(b.events, keys, b.author_of, opts.seed, opts.threads);
    return std::move(b.events);
}

}  // namespace wsn::loadgen
