// NIP-01 messages: round trips of every type in both directions, the relay's
// error context, and a corpus of malformed input each refused with a reason.
#include <gtest/gtest.h>

#include "nostr/message.hpp"
#include "nostr/parser.hpp"
#include "util/hex.hpp"

namespace wsn::nostr {
namespace {

Event sample_event() {
    auto key = crypto::SecretKey::from_hex("b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfef");
    return make_signed(*key, 1700000000, 1, {{"e", std::string(64, 'a')}, {"t", "x\ny", ""}, {}},
                       "hi \"there\" \\ \x01 \u2028 caf\xc3\xa9", std::array<uint8_t, 32>{});
}

Filter sample_filter() {
    Filter f;
    f.ids = std::vector<Id>{sample_event().id};
    f.authors = std::vector<crypto::XOnlyPubkey>{sample_event().pubkey};
    f.kinds = std::vector<uint16_t>{1, 0, 30023};
    f.tags = {{'p', {"b", "a"}}, {'e', {std::string(64, 'a')}}};
    f.since = 10;
    f.until = 2000000000;
    f.limit = 50;
    f.search = "hello \"world\"";
    f.normalize();
    return f;
}

template <class T>
const T& as(const ClientMessage& m) {
    EXPECT_TRUE(std::holds_alternative<T>(m));
    return std::get<T>(m);
}
template <class T>
const T& as(const RelayMessage& m) {
    EXPECT_TRUE(std::holds_alternative<T>(m));
    return std::get<T>(m);
}

// Serializes, parses back, and checks that re-serializing gives the same text.
ClientMessage client_round_trip(Parser& p, const ClientMessage& m) {
    std::string json = to_json(m);
    auto back = p.parse_client_message(json);
    EXPECT_TRUE(back) << json << ": " << back.error().message;
    EXPECT_EQ(to_json(*back), json);
    return *back;
}
RelayMessage relay_round_trip(Parser& p, const RelayMessage& m) {
    std::string json = to_json(m);
    auto back = p.parse_relay_message(json);
    EXPECT_TRUE(back) << json << ": " << back.error().message;
    EXPECT_EQ(to_json(*back), json);
    return *back;
}

TEST(Message, ClientRoundTrips) {
    Parser p;
    Event e = sample_event();
    Filter f = sample_filter();
    EXPECT_EQ(as<ClientEvent>(client_round_trip(p, ClientEvent{e})).event, e);
    auto req = as<ClientReq>(client_round_trip(p, ClientReq{"sub-1", {f, Filter{}}}));
    EXPECT_EQ(req.sub_id, "sub-1");
    ASSERT_EQ(req.filters.size(), 2u);
    EXPECT_EQ(req.filters[0], f);
    EXPECT_EQ(req.filters[1], Filter{});
    EXPECT_EQ(as<ClientClose>(client_round_trip(p, ClientClose{"\xc3\xa9"})).sub_id, "\xc3\xa9");
    auto count = as<ClientCount>(client_round_trip(p, ClientCount{"c", {f}}));
    EXPECT_EQ(count.filters.at(0), f);
    EXPECT_EQ(as<ClientAuth>(client_round_trip(p, ClientAuth{e})).event, e);
}

TEST(Message, RelayRoundTrips) {
    Parser p;
    Event e = sample_event();
    auto ev = as<RelayEvent>(relay_round_trip(p, RelayEvent{"s", e}));
    EXPECT_EQ(ev.sub_id, "s");
    EXPECT_EQ(ev.event, e);
    auto ok = as<RelayOk>(relay_round_trip(p, RelayOk{e.id, false, "invalid: bad signature"}));
    EXPECT_EQ(ok.event_id, e.id);
    EXPECT_FALSE(ok.accepted);
    EXPECT_EQ(ok.message, "invalid: bad signature");
    EXPECT_TRUE(as<RelayOk>(relay_round_trip(p, RelayOk{e.id, true, ""})).accepted);
    EXPECT_EQ(as<RelayEose>(relay_round_trip(p, RelayEose{"s"})).sub_id, "s");
    auto closed = as<RelayClosed>(relay_round_trip(p, RelayClosed{"s", "error: shutting down"}));
    EXPECT_EQ(closed.message, "error: shutting down");
    EXPECT_EQ(as<RelayNotice>(relay_round_trip(p, RelayNotice{"a\tb"})).message, "a\tb");
    auto count = as<RelayCount>(relay_round_trip(p, RelayCount{"s", 123456789012ull, true, {}}));
    EXPECT_EQ(count.count, 123456789012ull);
    EXPECT_EQ(count.approximate, true);
    EXPECT_EQ(as<RelayCount>(relay_round_trip(p, RelayCount{"s", 0, std::nullopt, {}})).approximate, std::nullopt);
    EXPECT_EQ(as<RelayAuth>(relay_round_trip(p, RelayAuth{"challenge-\x7f"})).challenge, "challenge-\x7f");
}

TEST(Message, EventMessageInAnySpellingGivesTheEvent) {
    Parser p;
    std::string event_json = to_json(sample_event());
    for (std::string msg : {"[\"EVENT\"," + event_json + "]", " [ \"EV\\u0045NT\" ,\n" + event_json + " \t]\r\n"}) {
        auto m = p.parse_client_message(msg);
        ASSERT_TRUE(m) << m.error().message;
        EXPECT_EQ(as<ClientEvent>(*m).event, sample_event()) << msg;
    }
    std::string out;
    append_event_message(out, "sub", event_json);
    auto r = p.parse_relay_message(out);
    ASSERT_TRUE(r);
    EXPECT_EQ(as<RelayEvent>(*r).event, sample_event());
}

TEST(Message, ErrorContextForTheRelaysAnswer) {
    Parser p;
    Event e = sample_event();
    std::string bad = to_json(e);
    bad.replace(bad.find("\"kind\":1"), 8, "\"kind\":-1");
    EXPECT_FALSE(p.parse_client_message("[\"EVENT\"," + bad + "]"));
    EXPECT_EQ(p.error_context().command, ErrorContext::Command::event);
    EXPECT_EQ(p.error_context().event_id, e.id);

    EXPECT_FALSE(p.parse_client_message(R"(["REQ","sub",{"kinds":["x"]}])"));
    EXPECT_EQ(p.error_context().command, ErrorContext::Command::req);
    EXPECT_EQ(p.error_context().sub_id, "sub");
    EXPECT_EQ(p.error_context().event_id, std::nullopt);

    EXPECT_FALSE(p.parse_client_message(R"(["NOPE"])"));
    EXPECT_EQ(p.error_context().command, ErrorContext::Command::unknown);
    EXPECT_EQ(p.error_context().sub_id, std::nullopt);
}

struct Bad {
    std::string input;
    std::string reason;  // expected substring of the error
};

TEST(Message, MalformedClientMessagesAreRejectedWithReasons) {
    const std::string ev = to_json(sample_event());
    auto replace = [&](std::string from, std::string to) {
        std::string s = ev;
        s.replace(s.find(from), from.size(), to);
        return "[\"EVENT\"," + s + "]";
    };
    std::vector<Bad> corpus = {
        {"", "empty"},
        {"   ", "empty"},
        {"{}", "message must be an array"},
        {"[]", "empty array"},
        {"[1]", "message type must be a string"},
        {R"(["HELLO"])", "unknown message type \"HELLO\""},
        {R"(["event",{}])", "unknown message type"},
        {R"(["CLOSE"])", "must have 2 elements"},
        {R"(["CLOSE","a","b"])", "must have 2 elements"},
        {R"(["CLOSE",""])", "1 to 64 characters"},
        {R"(["CLOSE",")" + std::string(65, 'x') + "\"]", "1 to 64 characters"},
        {R"(["CLOSE",5])", "subscription id must be a string"},
        {R"(["REQ","s"])", "at least one filter"},
        {R"(["REQ"])", "needs a subscription id"},
        {R"(["REQ","s",[]])", "filter must be an object"},
        {R"(["REQ","s",{"ids":"x"}])", "ids must be an array"},
        {R"(["REQ","s",{"ids":["abc"]}])", "ids element must be 64 lowercase hex"},
        {R"(["REQ","s",{"authors":[")" + std::string(64, 'A') + "\"]}]", "authors element must be 64 lowercase hex"},
        {R"(["REQ","s",{"kinds":[70000]}])", "kinds element out of range"},
        {R"(["REQ","s",{"kinds":[1.5]}])", "kinds element must be an integer"},
        {R"(["REQ","s",{"since":-1}])", "since out of range"},
        {R"(["REQ","s",{"until":18446744073709551615}])", "until out of range"},
        {R"(["REQ","s",{"limit":1e3}])", "limit must be an integer"},
        {R"(["REQ","s",{"limit":1e999}])", "number"},
        {R"(["REQ","s",{"#ab":["x"]}])", "unknown filter field \"#ab\""},
        {R"(["REQ","s",{"#1":["x"]}])", "unknown filter field"},
        {R"(["REQ","s",{"#e":[1]}])", "#e element must be a string"},
        {R"(["REQ","s",{"foo":1}])", "unknown filter field \"foo\""},
        {R"(["REQ","s",{"kinds":[1],"kinds":[2]}])", "duplicate filter field \"kinds\""},
        {R"(["REQ","s",{"#e":[],"#e":[]}])", "duplicate filter field \"#e\""},
        {R"(["REQ","s",{"search":1}])", "search must be a string"},
        {R"(["EVENT"])", "must have 2 elements"},
        {"[\"EVENT\"," + ev + ",1]", "must have 2 elements"},
        {R"(["EVENT",[]])", "event must be an object"},
        {replace("\"kind\":1", "\"kind\":65536"), "kind out of range"},
        {replace("\"kind\":1", "\"kind\":-1"), "kind out of range"},
        {replace("\"kind\":1", "\"kind\":1.0"), "kind must be an integer"},
        {replace("\"kind\":1", "\"kind\":\"1\""), "kind must be an integer, not a string"},
        {replace("\"kind\":1", "\"kind\":99999999999999999999999"), "number out of range"},
        {replace("\"created_at\":1700000000", "\"created_at\":-5"), "created_at out of range"},
        {replace("\"created_at\":1700000000", "\"created_at\":4294967296"), "created_at out of range"},
        {replace("\"created_at\":1700000000", "\"created_at\":null"), "created_at must be an integer, not null"},
        {replace("\"id\":\"", "\"id\":\"A"), "id must be 64 lowercase hex"},
        {replace("\"sig\":\"", "\"sig\":\"0"), "sig must be 128 lowercase hex"},
        {replace("\"pubkey\":\"d", "\"pubkey\":\"D"), "pubkey must be 64 lowercase hex"},
        {replace("\"tags\":[", "\"tags\":[1,"), "tag 0 must be an array"},
        {replace("\"tags\":[", "\"tags\":[[\"a\",2],"), "tag 0 element must be a string"},
        {replace("\"tags\":[", "\"tags\":[[[\"deep\"]],"), "tag 0 element must be a string"},
        {replace("\"tags\":[", "\"tags\":{},\"x\":["), "tags must be an array"},
        {replace("\"content\":", "\"content\":1,\"c\":"), "content must be a string"},
        {replace("\"content\":", "\"extra\":1,\"content\":"), "unknown event field \"extra\""},
        {replace("\"content\":", "\"kind\":1,\"content\":"), "duplicate event field \"kind\""},
        {replace(",\"kind\":1", ""), "missing event field \"kind\""},
        {"[\"EVENT\",{}]", "missing event field \"id\""},
        {R"(["CLOSE","\ud800"])", "escape"},
        {"[\"CLOSE\",\"\xff\"]", "UTF-8"},
        {"[\"CLOSE\",\"\xc3\"]", "UTF-8"},
        {"[\"CLOSE\",\"\xed\xa0\x80\"]", "UTF-8"},  // an encoded surrogate
        {"[\"CLOSE\",\"a\x01\"]", "control character"},
        {R"(["CLOSE","a\x"])", "escape"},
        {R"(["CLOSE","a"] ["CLOSE","b"])", "malformed JSON"},
        {R"(["CLOSE","a"],)", "malformed JSON"},
        {R"(["CLOSE",'a'])", "malformed JSON"},
        {R"(["CLOSE","a",])", "malformed JSON"},
        {std::string(20, '[') + std::string(20, ']'), "nested too deeply"},
        {std::string(100000, '['), "malformed JSON"},
        {std::string(100000, '[') + std::string(100000, ']'), "nested too deeply"},
        {R"(["REQ","s",{"#e":[[[[[[["x"]]]]]]]}])", "nested too deeply"},
        {"[\"NOTICE\",\"" + std::string(10 * 1024 * 1024, 'a') + "\"]", "message too large"},
    };
    Parser p;
    for (const auto& b : corpus) {
        auto m = p.parse_client_message(b.input);
        std::string shown = b.input.substr(0, 80);
        ASSERT_FALSE(m) << shown;
        EXPECT_EQ(m.error().message.rfind("invalid: ", 0), 0u) << shown << " -> " << m.error().message;
        EXPECT_NE(m.error().message.find(b.reason), std::string::npos) << shown << " -> " << m.error().message;
    }
    // The parser is still usable after all that.
    EXPECT_TRUE(p.parse_client_message(R"(["CLOSE","ok"])"));
}

TEST(Message, MalformedRelayMessagesAreRejectedWithReasons) {
    std::string id(64, 'a');
    std::vector<Bad> corpus = {
        {R"(["OK"])", "must have 4 elements"},
        {R"(["OK",")" + id + R"(",1,""])", "OK status must be a boolean"},
        {R"(["OK","x",true,""])", "event id must be 64 lowercase hex"},
        {R"(["OK",")" + id + R"(",true])", "must have 4 elements"},
        {R"(["OK",")" + id + R"(",true,null])", "OK message must be a string"},
        {R"(["EOSE"])", "must have 2 elements"},
        {R"(["EOSE",""])", "1 to 64 characters"},
        {R"(["CLOSED","s"])", "must have 3 elements"},
        {R"(["NOTICE",1])", "NOTICE message must be a string"},
        {R"(["COUNT","s",5])", "COUNT result must be an object"},
        {R"(["COUNT","s",{}])", "needs \"count\""},
        {R"(["COUNT","s",{"count":-1}])", "count out of range"},
        {R"(["COUNT","s",{"count":1,"approximate":1}])", "approximate must be a boolean"},
        {R"(["AUTH",{}])", "AUTH challenge must be a string"},
        {R"(["EVENT","s"])", "must have 3 elements"},
        {R"(["EVENT","s",{}])", "missing event field"},
        {R"(["REQ","s",{}])", "unknown message type \"REQ\""},
    };
    Parser p;
    for (const auto& b : corpus) {
        auto m = p.parse_relay_message(b.input);
        ASSERT_FALSE(m) << b.input;
        EXPECT_EQ(m.error().message.rfind("invalid: ", 0), 0u) << b.input << " -> " << m.error().message;
        EXPECT_NE(m.error().message.find(b.reason), std::string::npos) << b.input << " -> " << m.error().message;
    }
}

TEST(Message, EveryTruncationIsRejected) {
    Parser p;
    std::vector<std::string> msgs = {to_json(ClientMessage{ClientEvent{sample_event()}}),
                                     to_json(ClientMessage{ClientReq{"s", {sample_filter()}}})};
    for (const auto& full : msgs) {
        ASSERT_TRUE(p.parse_client_message(full));
        for (size_t n = 0; n < full.size(); ++n) {
            auto m = p.parse_client_message(std::string_view(full).substr(0, n));
            EXPECT_FALSE(m) << n;
            if (!m) {
                EXPECT_EQ(m.error().message.rfind("invalid: ", 0), 0u);
            }
        }
    }
}

TEST(Message, EventSizeLimitCountsTheEventTextAndAnswersWithItsId) {
    Limits lim;
    lim.max_event_bytes = 400;
    Parser p(lim);
    auto key = crypto::SecretKey::from_hex("b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfef");
    Event small = make_signed(*key, 1, 1, {}, std::string(50, 'x'));
    Event big = make_signed(*key, 1, 1, {}, std::string(300, 'x'));
    EXPECT_TRUE(p.parse_client_message(to_json(ClientMessage{ClientEvent{small}})));
    std::string big_json = to_json(big);
    auto r = p.parse_client_message("[\"EVENT\", " + big_json + " ]");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "invalid: event too large (" + std::to_string(big_json.size()) + " bytes, limit 400)");
    ASSERT_TRUE(p.error_context().event_id);  // so the relay answers OK false
    EXPECT_EQ(*p.error_context().event_id, big.id);
    // The same rule for a bare event (wsn import), whitespace around it aside.
    EXPECT_TRUE(p.parse_event("\n " + to_json(small) + " \r\n"));
    EXPECT_FALSE(p.parse_event(big_json));
}

TEST(Message, LimitsAreEnforced) {
    Limits lim;
    lim.max_message_bytes = 16 * 1024 * 1024;
    lim.max_filters = 2;
    lim.max_filter_values = 3;
    lim.max_tags = 2;
    lim.max_tag_values = 3;
    lim.max_content_bytes = 10;
    lim.max_sub_id_length = 4;
    Parser p(lim);
    auto key = crypto::SecretKey::from_hex("b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfef");
    auto event_msg = [&](std::vector<Tag> tags, std::string content) {
        return to_json(ClientMessage{ClientEvent{make_signed(*key, 1, 1, std::move(tags), std::move(content))}});
    };
    EXPECT_TRUE(p.parse_client_message(event_msg({{"a", "b", "c"}, {}}, "0123456789")));
    auto too_long = p.parse_client_message(event_msg({}, std::string(10 * 1024 * 1024, 'x')));
    ASSERT_FALSE(too_long);
    EXPECT_EQ(too_long.error().message, "invalid: content too long (limit 10 bytes)");
    auto many_tags = p.parse_client_message(event_msg({{}, {}, {}}, ""));
    ASSERT_FALSE(many_tags);
    EXPECT_EQ(many_tags.error().message, "invalid: tags has too many elements (limit 2)");
    auto long_tag = p.parse_client_message(event_msg({{"a", "b", "c", "d"}}, ""));
    ASSERT_FALSE(long_tag);
    EXPECT_EQ(long_tag.error().message, "invalid: tag 0 has too many elements (limit 3)");

    EXPECT_TRUE(p.parse_client_message(R"(["REQ","\u00e9\u00e9\u00e9\u00e9",{},{"kinds":[1,2,3]}])"));
    EXPECT_FALSE(p.parse_client_message(R"(["REQ","abcde",{}])"));
    auto filters = p.parse_client_message(R"(["REQ","s",{},{},{}])");
    ASSERT_FALSE(filters);
    EXPECT_EQ(filters.error().message, "invalid: too many filters (limit 2)");
    auto values = p.parse_client_message(R"(["COUNT","s",{"#t":["a","b","c","d"]}])");
    ASSERT_FALSE(values);
    EXPECT_EQ(values.error().message, "invalid: #t has too many elements (limit 3)");
}

}  // namespace
}  // namespace wsn::nostr
