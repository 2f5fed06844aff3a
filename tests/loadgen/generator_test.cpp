#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "loadgen/generator.hpp"
#include "loadgen/query_mix.hpp"
#include "nostr/parser.hpp"

namespace wsn::loadgen {
namespace {

std::string jsonl(const std::vector<nostr::Event>& events) {
    std::string out;
    for (const auto& e : events) out += nostr::to_json(e) + "\n";
    return out;
}

GenOptions opts(uint64_t count, uint64_t seed, unsigned threads = 1) {
    GenOptions g;
    g.count = count;
    g.seed = seed;
    g.authors = 20;
    g.threads = threads;
    return g;
}

TEST(Generator, SameSeedSameBytesWhateverTheThreads) {
    const auto a = jsonl(generate(opts(300, 7, 1)));
    const auto b = jsonl(generate(opts(300, 7, 3)));
    EXPECT_EQ(a, b);
    EXPECT_NE(a, jsonl(generate(opts(300, 8, 1))));
    // A shorter set is a prefix of a longer one with the same seed.
    const auto c = jsonl(generate(opts(100, 7, 2)));
    EXPECT_EQ(a.substr(0, c.size()), c);
}

TEST(Generator, EveryEventVerifiesAndParsesBack) {
    const auto events = generate(opts(400, 3, 2));
    ASSERT_EQ(events.size(), 400u);
    nostr::Parser parser;
    std::set<nostr::Id> ids;
    for (size_t i = 0; i < events.size(); ++i) {
        const auto& e = events[i];
        EXPECT_TRUE(nostr::verify(e)) << i;
        EXPECT_EQ(e.created_at, kDefaultBaseTime + int64_t(i));
        auto back = parser.parse_event(nostr::to_json(e));
        ASSERT_TRUE(back) << back.error().message;
        EXPECT_EQ(*back, e);
        ids.insert(e.id);
    }
    EXPECT_EQ(ids.size(), events.size());
}

TEST(Generator, RealisticMixWithNoReplacedEvents) {
    const auto events = generate(opts(2000, 11, 2));
    std::map<uint16_t, size_t> kinds;
    std::set<std::pair<crypto::XOnlyPubkey, uint16_t>> replaceable;
    std::set<std::string> d_tags;
    size_t tagged_notes = 0, long_notes = 0;
    std::set<crypto::XOnlyPubkey> authors;
    for (const auto& e : events) {
        ++kinds[e.kind];
        authors.insert(e.pubkey);
        if (e.kind == 0 || e.kind == 3) {
            EXPECT_TRUE(replaceable.insert({e.pubkey, e.kind}).second) << "two of kind " << e.kind;
        }
        if (e.kind == 30023) {
            EXPECT_TRUE(d_tags.insert(std::string(nostr::d_tag(e))).second);
        }
        if (e.kind == 1 && !e.tags.empty()) ++tagged_notes;
        if (e.kind == 1 && e.content.size() > 600) ++long_notes;
        if (e.kind == 3) {
            EXPECT_GE(e.tags.size(), 20u);
        }
        if (e.kind == 7) {
            EXPECT_TRUE(nostr::first_tag_value(e, "e").has_value());
            EXPECT_TRUE(nostr::first_tag_value(e, "p").has_value());
        }
    }
    EXPECT_EQ(authors.size(), 20u);
    for (uint16_t k : {0, 1, 3, 7, 30023}) EXPECT_GT(kinds[k], 0u) << "kind " << k;
    EXPECT_GT(kinds[1], events.size() / 3);
    EXPECT_GT(tagged_notes, 0u);
    EXPECT_GT(long_notes, 0u);
}

TEST(Generator, AuthorKeysDependOnSeedAndIndex) {
    EXPECT_EQ(author_key(1, 0).xonly_pubkey(), author_key(1, 0).xonly_pubkey());
    EXPECT_NE(author_key(1, 0).xonly_pubkey(), author_key(1, 1).xonly_pubkey());
    EXPECT_NE(author_key(1, 0).xonly_pubkey(), author_key(2, 0).xonly_pubkey());
}

TEST(QueryMix, EveryFilterMatchesSomeEventOfTheSet) {
    const auto events = generate(opts(300, 5, 2));
    const auto filters = query_mix(events, 100);
    ASSERT_EQ(filters.size(), 100u);
    size_t by_id = 0, by_tag = 0, with_limit = 0;
    for (const auto& f : filters) {
        EXPECT_TRUE(std::any_of(events.begin(), events.end(), [&](const auto& e) { return f.matches(e); }))
            << nostr::to_json(f);
        by_id += f.ids.has_value();
        by_tag += !f.tags.empty();
        with_limit += f.limit.has_value();
    }
    EXPECT_EQ(by_id, 20u);
    EXPECT_GT(by_tag, 0u);
    EXPECT_EQ(with_limit, 80u);
    EXPECT_TRUE(query_mix({}, 10).empty());
}

}  // namespace
}  // namespace wsn::loadgen
