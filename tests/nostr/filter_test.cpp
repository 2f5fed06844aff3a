// Filter matching against a table of cases, parsing and normalization.
#include <gtest/gtest.h>

#include "nostr/filter.hpp"
#include "nostr/parser.hpp"
#include "util/hex.hpp"

namespace wsn::nostr {
namespace {

const std::string kId = "a93e46f7b782e7a8b7d48a887fbcc27ee89f41236fcfa3d6434942e50b91bccf";
const std::string kOtherId = std::string(64, '1');
const std::string kPubkey = "dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659";
const std::string kOtherPubkey = std::string(64, '2');

Event event() {
    Event e;
    e.id = *from_hex_fixed<32>(kId);
    e.pubkey.bytes = *from_hex_fixed<32>(kPubkey);
    e.created_at = 1000;
    e.kind = 7;
    // Repeated tags: the second "e" and the "p" after an odd one must be found too.
    e.tags = {{"e", "first"}, {"e", "second", "wss://relay"}, {"p"}, {"p", "carol"}, {"title", "T"}, {"t", ""}};
    return e;
}

struct Case {
    std::string filter;
    bool expected;
};

TEST(Filter, MatchTable) {
    std::vector<Case> cases = {
        {"{}", true},
        {R"({"ids":[")" + kId + "\"]}", true},
        {R"({"ids":[")" + kOtherId + "\",\"" + kId + "\"]}", true},
        {R"({"ids":[")" + kOtherId + "\"]}", false},
        {R"({"ids":[]})", false},  // present but empty matches nothing
        {R"({"authors":[")" + kPubkey + "\"]}", true},
        {R"({"authors":[")" + kOtherPubkey + "\"]}", false},
        {R"({"authors":[]})", false},
        {R"({"kinds":[7]})", true},
        {R"({"kinds":[1,7,30000]})", true},
        {R"({"kinds":[1,6]})", false},
        {R"({"kinds":[]})", false},
        {R"({"since":1000})", true},  // bounds are inclusive
        {R"({"since":1001})", false},
        {R"({"until":1000})", true},
        {R"({"until":999})", false},
        {R"({"since":1000,"until":1000})", true},
        {R"({"since":1001,"until":999})", false},
        {R"({"since":0,"until":9223372036854775807})", true},
        {R"({"#e":["second"]})", true},  // a repeated tag: not only the first one counts
        {R"({"#e":["first"]})", true},
        {R"({"#e":["third","second"]})", true},
        {R"({"#e":["wss://relay"]})", false},  // only element 1 is the value
        {R"({"#e":[]})", false},
        {R"({"#p":["carol"]})", true},  // after a "p" tag with no value
        {R"({"#p":[""]})", false},
        {R"({"#t":[""]})", true},  // the empty string is a value
        {R"({"#T":["T"]})", false},  // tag names are case-sensitive
        {R"({"#e":["first"],"#p":["carol"]})", true},
        {R"({"#e":["first"],"#p":["dave"]})", false},
        {R"({"#x":["anything"]})", false},
        {R"({"kinds":[7],"authors":[")" + kPubkey + R"("],"#e":["second"],"since":5,"until":5000})", true},
        {R"({"kinds":[7],"authors":[")" + kOtherPubkey + R"("],"#e":["second"]})", false},
        {R"({"limit":0})", true},  // limit and search do not affect matching
        {R"({"search":"nothing like it"})", true},
    };
    Parser p;
    Event e = event();
    for (const auto& c : cases) {
        auto f = p.parse_filter(c.filter);
        ASSERT_TRUE(f) << c.filter << ": " << f.error().message;
        EXPECT_EQ(f->matches(e), c.expected) << c.filter;
        // JSON round trip keeps the meaning.
        auto again = p.parse_filter(to_json(*f));
        ASSERT_TRUE(again) << to_json(*f);
        EXPECT_EQ(*again, *f) << c.filter;
    }
}

TEST(Filter, TitleTagIsNotMatchedByItsFirstLetter) {
    Filter f;
    f.tags = {{'t', {"T"}}};
    EXPECT_FALSE(f.matches(event()));  // the "title" tag must not count as "t"
}

TEST(Filter, MatchesAnyIsAnOr) {
    Parser p;
    std::vector<Filter> fs = {*p.parse_filter(R"({"kinds":[1]})"), *p.parse_filter(R"({"#p":["carol"]})")};
    EXPECT_TRUE(matches_any(fs, event()));
    fs.pop_back();
    EXPECT_FALSE(matches_any(fs, event()));
    EXPECT_FALSE(matches_any({}, event()));
}

TEST(Filter, NormalizeSortsAndDeduplicates) {
    Filter f;
    f.kinds = std::vector<uint16_t>{7, 1, 7, 3};
    f.ids = std::vector<Id>{Id{2}, Id{1}, Id{2}};
    f.tags = {{'p', {"b", "a", "b"}}, {'e', {"x"}}};
    f.normalize();
    EXPECT_EQ(*f.kinds, (std::vector<uint16_t>{1, 3, 7}));
    EXPECT_EQ(*f.ids, (std::vector<Id>{Id{1}, Id{2}}));
    ASSERT_EQ(f.tags.size(), 2u);
    EXPECT_EQ(f.tags[0].name, 'e');
    EXPECT_EQ(f.tags[1].values, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(f.tag('p'), &f.tags[1]);
    EXPECT_EQ(f.tag('q'), nullptr);
}

TEST(Filter, TwoHandMadeFiltersOnOneLetterBothHold) {
    Filter f;
    f.tags = {{'e', {"first"}}, {'e', {"nope"}}};
    f.normalize();
    EXPECT_FALSE(f.matches(event()));
    f.tags[1].values = {"second"};
    EXPECT_TRUE(f.matches(event()));
}

// FilterIndex passes the condition it found a filter through; only that one is skipped.
TEST(Filter, KnownConditionIsSkippedAndNoOther) {
    Parser p;
    const Event e = event();
    auto f = p.parse_filter(R"({"ids":[")" + kOtherId + R"("],"authors":[")" + kOtherPubkey +
                            R"("],"kinds":[1],"#e":["nope"],"#p":["carol"]})");
    ASSERT_TRUE(f) << f.error().message;
    for (Known k : {Known::none, Known::ids, Known::authors, Known::first_tag, Known::kinds})
        EXPECT_FALSE(f->matches(e, k)) << int(k);  // four conditions fail: skipping one leaves three
    f->ids.reset();
    f->authors.reset();
    f->kinds.reset();
    EXPECT_FALSE(f->matches(e));
    EXPECT_TRUE(f->matches(e, Known::first_tag));  // "#e" skipped, "#p" still tested and holds
    f->tags[1].values = {"dave"};
    EXPECT_FALSE(f->matches(e, Known::first_tag));
}

TEST(Filter, ParsedFilterKeepsEveryField) {
    Parser p;
    auto f = p.parse_filter(R"({"search":"q","limit":5,"until":9,"since":1,"#e":["b","a","b"],"kinds":[3,1]})");
    ASSERT_TRUE(f) << f.error().message;
    EXPECT_EQ(f->search, "q");
    EXPECT_EQ(f->limit, 5u);
    EXPECT_EQ(f->since, 1);
    EXPECT_EQ(f->until, 9);
    EXPECT_EQ(f->ids, std::nullopt);
    EXPECT_EQ(*f->kinds, (std::vector<uint16_t>{1, 3}));
    ASSERT_NE(f->tag('e'), nullptr);
    EXPECT_EQ(f->tag('e')->values, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(to_json(*f), R"({"kinds":[1,3],"#e":["a","b"],"since":1,"until":9,"limit":5,"search":"q"})");
}

}  // namespace
}  // namespace wsn::nostr
