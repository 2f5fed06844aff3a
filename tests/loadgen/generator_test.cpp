#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "crypto/hash.hpp"
#include "loadgen/generator.hpp"
#include "loadgen/query_mix.hpp"
#include "nostr/parser.hpp"
#include "util/hex.hpp"

namespace wsn::loadgen {
namespace {

constexpr int64_t kBase = 1790000000;  // 2026-09-21

std::string jsonl(const std::vector<nostr::Event>& events) {
    std::string out;
    for (const auto& e : events) out += nostr::to_json(e) + "\n";
    return out;
}

GenOptions opts(uint64_t count, uint64_t seed, unsigned threads = 1, Mix mix = Mix::realistic, size_t authors = 20) {
    GenOptions g;
    g.count = count;
    g.seed = seed;
    g.mix = mix;
    g.authors = authors;
    g.base_time = mix == Mix::legacy ? kLegacyBaseTime : kBase;
    g.threads = threads;
    return g;
}

TEST(Generator, SameSeedSameBytesWhateverTheThreads) {
    for (auto mix : {Mix::realistic, Mix::legacy}) {
        const auto a = jsonl(generate(opts(300, 7, 1, mix)));
        const auto b = jsonl(generate(opts(300, 7, 3, mix)));
        EXPECT_EQ(a, b);
        EXPECT_NE(a, jsonl(generate(opts(300, 8, 1, mix))));
        // A shorter set is a prefix of a longer one with the same seed.
        const auto c = jsonl(generate(opts(100, 7, 2, mix)));
        EXPECT_EQ(a.substr(0, c.size()), c);
    }
    EXPECT_NE(jsonl(generate(opts(50, 7))), jsonl(generate(opts(50, 7, 1, Mix::realistic, 21))));
}

TEST(Generator, LegacyIsTheSetOfEarlierVersionsByteForByte) {
    // `wsn bench gen --count 300 --seed 7 --authors 20 | sha256sum` before the realistic mix (ea82032).
    const auto text = jsonl(generate(opts(300, 7, 2, Mix::legacy)));
    EXPECT_EQ(to_hex(crypto::sha256(text)), "77d9113b3327e6cc7d6e9fa8a69ac72590efdbd34437243691d66e7fdd195ef0");
}

TEST(Generator, EveryEventVerifiesAndParsesBack) {
    const auto events = generate(opts(400, 3, 2));
    ASSERT_EQ(events.size(), 400u);
    nostr::Parser parser;
    std::set<nostr::Id> ids;
    for (size_t i = 0; i < events.size(); ++i) {
        const auto& e = events[i];
        EXPECT_TRUE(nostr::verify(e)) << i;
        EXPECT_EQ(e.created_at, kBase + int64_t(i));
        auto back = parser.parse_event(nostr::to_json(e));
        ASSERT_TRUE(back) << back.error().message;
        EXPECT_EQ(*back, e);
        ids.insert(e.id);
    }
    EXPECT_EQ(ids.size(), events.size());
}

TEST(Generator, RecentBaseTimeIsMidnightThirtyDaysBackAllDay) {
    const int64_t midnight = 1796774400;  // 2026-12-09 00:00 UTC
    EXPECT_EQ(recent_base_time(midnight), midnight - 30 * 86400);
    EXPECT_EQ(recent_base_time(midnight + 86399), midnight - 30 * 86400);
    EXPECT_EQ(recent_base_time(midnight + 86400), midnight - 29 * 86400);
    EXPECT_EQ(default_authors(Mix::realistic), 1000u);
    EXPECT_EQ(default_authors(Mix::legacy), 100u);
}

// Follow lists, replies, reactions and reposts as the realistic mix promises (query_mix.hpp
// and docs/tools.md rely on them), and about 1.2 KB an event at 20 events per author.
TEST(Generator, RealisticMix) {
    const auto events = generate(opts(3000, 11, 2, Mix::realistic, 150));
    std::map<uint16_t, size_t> kinds;
    std::map<nostr::Id, size_t> index;
    std::set<std::pair<crypto::XOnlyPubkey, uint16_t>> replaceable;
    std::set<std::string> d_tags;
    size_t bytes = 0, replies = 0, threaded = 0, hashtagged = 0;
    nostr::Parser parser;
    for (size_t i = 0; i < events.size(); ++i) {
        const auto& e = events[i];
        index[e.id] = i;
        ++kinds[e.kind];
        bytes += nostr::to_json(e).size();
        auto earlier_note = [&](std::string_view hex) {
            auto id = from_hex_fixed<32>(hex);
            auto it = id ? index.find(*id) : index.end();
            return it != index.end() && it->second < i && events[it->second].kind == 1;
        };
        if (e.kind == 0 || e.kind == 3) {
            EXPECT_TRUE(replaceable.insert({e.pubkey, e.kind}).second) << "two of kind " << e.kind;
        }
        if (e.kind == 30023) {
            EXPECT_TRUE(d_tags.insert(std::string(nostr::d_tag(e))).second);
        }
        if (e.kind == 3) {
            EXPECT_GE(e.tags.size(), 50u);
            EXPECT_LE(e.tags.size(), 350u);
        }
        if (e.kind == 7 || e.kind == 6) {
            auto target = nostr::first_tag_value(e, "e");
            ASSERT_TRUE(target);
            EXPECT_TRUE(earlier_note(*target)) << i;
            EXPECT_TRUE(nostr::first_tag_value(e, "p").has_value());
        }
        if (e.kind == 6) {  // NIP-18: the content is the reposted note, signature and all
            auto inner = parser.parse_event(e.content);
            ASSERT_TRUE(inner) << inner.error().message;
            EXPECT_EQ(nostr::id_hex(inner->id), *nostr::first_tag_value(e, "e"));
            EXPECT_TRUE(nostr::verify(*inner));
        }
        if (e.kind == 1) {
            std::set<std::string> markers;
            for (const auto& t : e.tags) {
                if (t[0] == "t") ++hashtagged;
                if (t[0] != "e") continue;
                ASSERT_EQ(t.size(), 4u);
                EXPECT_TRUE(earlier_note(t[1])) << i;
                markers.insert(t[3]);
            }
            replies += markers.count("root");
            threaded += markers.count("reply");
            if (markers.count("reply")) {
                EXPECT_TRUE(markers.count("root"));
            }
        }
    }
    const double n = double(events.size());
    EXPECT_NEAR(double(kinds[1]) / n, 0.55, 0.05);
    EXPECT_NEAR(double(kinds[7]) / n, 0.30, 0.04);
    EXPECT_NEAR(double(kinds[6]) / n, 0.08, 0.02);
    EXPECT_NEAR(double(kinds[30023]) / n, 0.02, 0.01);
    EXPECT_GT(kinds[0], 30u);
    EXPECT_GT(kinds[3], 30u);
    EXPECT_NEAR(double(replies) / double(kinds[1]), 0.40, 0.05);
    EXPECT_GT(threaded, replies / 3);
    EXPECT_GT(hashtagged, 0u);
    EXPECT_NEAR(double(bytes) / n, 1200, 250);
}

TEST(Generator, AuthorKeysDependOnSeedAndIndex) {
    EXPECT_EQ(author_key(1, 0).xonly_pubkey(), author_key(1, 0).xonly_pubkey());
    EXPECT_NE(author_key(1, 0).xonly_pubkey(), author_key(1, 1).xonly_pubkey());
    EXPECT_NE(author_key(1, 0).xonly_pubkey(), author_key(2, 0).xonly_pubkey());
}

void expect_every_filter_matches(const std::vector<nostr::Event>& events, const std::vector<nostr::Filter>& filters) {
    for (const auto& f : filters)
        EXPECT_TRUE(std::any_of(events.begin(), events.end(), [&](const auto& e) { return f.matches(e); }))
            << nostr::to_json(f);
}

TEST(QueryMix, LegacyFiltersAsBefore) {
    const auto events = generate(opts(300, 5, 2, Mix::legacy));
    const auto filters = query_mix(events, 100, Mix::legacy);
    ASSERT_EQ(filters.size(), 100u);
    expect_every_filter_matches(events, filters);
    size_t by_id = 0, by_tag = 0, with_limit = 0;
    for (const auto& f : filters) {
        by_id += f.ids.has_value();
        by_tag += !f.tags.empty();
        with_limit += f.limit.has_value();
    }
    EXPECT_EQ(by_id, 20u);
    EXPECT_GT(by_tag, 0u);
    EXPECT_EQ(with_limit, 80u);
    EXPECT_TRUE(query_mix({}, 10, Mix::legacy).empty());
}

TEST(QueryMix, RealisticFiltersAreWhatClientsAsk) {
    const auto events = generate(opts(1000, 5, 2, Mix::realistic, 50));
    const auto filters = query_mix(events, 200, Mix::realistic);
    ASSERT_EQ(filters.size(), 200u);
    expect_every_filter_matches(events, filters);
    using Kinds = std::vector<uint16_t>;
    auto ask = [](const nostr::Filter& f) -> std::string {
        const auto kinds = f.kinds.value_or(Kinds{});
        const size_t authors = f.authors ? f.authors->size() : 0;
        if (f.ids) return "ids";
        if (f.tag('e') && kinds == Kinds{1, 6, 7}) return "thread";
        if (f.tag('p') && kinds == Kinds{1, 6, 7} && f.limit == 50u) return "notifications";
        if (f.tag('t') && kinds == Kinds{1} && f.limit == 50u) return "hashtag";
        if (kinds == Kinds{1, 6} && authors >= 50 && f.limit == 50u) return "feed";
        if (kinds == Kinds{1, 6} && authors == 1 && f.limit == 20u) return "author";
        if (kinds == Kinds{0} && authors >= 1 && authors <= 20) return "profiles";
        if (kinds == Kinds{3} && authors == 1 && f.limit == 1u) return "follows";
        if (kinds == Kinds{30023} && f.limit == 20u) return "articles";
        return "unexpected " + nostr::to_json(f);
    };
    std::map<std::string, size_t> asks;
    for (const auto& f : filters) ++asks[ask(f)];
    const std::map<std::string, size_t> expected = {{"ids", 20},     {"thread", 40},   {"notifications", 20},
                                                    {"hashtag", 20}, {"feed", 20},     {"author", 20},
                                                    {"profiles", 20}, {"follows", 20}, {"articles", 20}};
    EXPECT_EQ(asks, expected);
    // A set too small for some asks falls back to ids, which always match.
    const auto tiny = generate(opts(3, 5));
    expect_every_filter_matches(tiny, query_mix(tiny, 20, Mix::realistic));
    EXPECT_TRUE(query_mix({}, 10, Mix::realistic).empty());
}

}  // namespace
}  // namespace wsn::loadgen
