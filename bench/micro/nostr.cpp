// NIP-01 ingest and matching costs on one core: parse + id check + BIP-340
// verify per event (the relay's ingest path), each part alone, the cost of
// re-serializing an event versus reusing its raw span, and one event against
// 1,000 live filters.
#include <benchmark/benchmark.h>

#include <random>

#include "nostr/filter_index.hpp"
#include "nostr/message.hpp"
#include "nostr/parser.hpp"

using namespace wsn::nostr;

namespace {

std::string hex_of(std::mt19937_64& rng) {
    std::array<uint8_t, 32> b;
    for (auto& x : b) x = static_cast<uint8_t>(rng());
    return id_hex(b);
}

// Distinct signed kind-1 notes of typical size: a reply with e/p/t tags and
// about 200 bytes of content with a line break, quotes and non-ASCII text.
const std::vector<std::string>& event_messages() {
    static const std::vector<std::string> msgs = [] {
        std::mt19937_64 rng(1);
        std::vector<std::string> out;
        for (int i = 0; i < 512; ++i) {
            auto key = wsn::crypto::SecretKey::generate();
            std::string content = "Note " + std::to_string(i) +
                                  ": \"gm\" nostr, here is a longer line of text to look like a real post.\n"
                                  "Caf\xc3\xa9 \xe2\x9a\xa1 https://example.com/some/path?x=1 and more words to pad it out.";
            Event e = make_signed(key, 1700000000 + i, 1,
                                  {{"e", hex_of(rng), "wss://relay.example.com", "reply"}, {"p", hex_of(rng)}, {"t", "nostr"}},
                                  content);
            out.push_back(to_json(ClientMessage{ClientEvent{e}}));
        }
        return out;
    }();
    return msgs;
}

std::vector<Event> parsed_events() {
    Parser p;
    std::vector<Event> out;
    for (const auto& m : event_messages()) out.push_back(std::get<ClientEvent>(*p.parse_client_message(m)).event);
    return out;
}

void BM_ParseIdCheckVerify(benchmark::State& state) {
    const auto& msgs = event_messages();
    Parser p;
    std::string scratch;
    size_t i = 0;
    for (auto _ : state) {
        auto m = p.parse_client_message(msgs[i++ % msgs.size()]);
        if (!m) state.SkipWithError("parse failed");
        auto s = verify(std::get<ClientEvent>(*m).event, scratch);
        if (!s) state.SkipWithError("verify failed");
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseIdCheckVerify);

void BM_ParseOnly(benchmark::State& state) {
    const auto& msgs = event_messages();
    Parser p;
    size_t i = 0, bytes = 0;
    for (auto _ : state) {
        const auto& msg = msgs[i++ % msgs.size()];
        bytes += msg.size();
        auto m = p.parse_client_message(msg);
        benchmark::DoNotOptimize(m);
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_ParseOnly);

void BM_IdCheckOnly(benchmark::State& state) {
    auto events = parsed_events();
    std::string scratch;
    size_t i = 0;
    for (auto _ : state) benchmark::DoNotOptimize(check_id(events[i++ % events.size()], scratch));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_IdCheckOnly);

void BM_SignatureOnly(benchmark::State& state) {
    auto events = parsed_events();
    size_t i = 0;
    for (auto _ : state) benchmark::DoNotOptimize(check_signature(events[i++ % events.size()]));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SignatureOnly);

// What the relay pays once per event for the JSON it stores and forwards: the compact form.
void BM_EventToJson(benchmark::State& state) {
    auto events = parsed_events();
    std::string out;
    size_t i = 0;
    for (auto _ : state) {
        out.clear();
        append_json(out, events[i++ % events.size()]);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EventToJson);

// 1,000 live subscriptions of mixed shapes, as a relay might hold them: most
// by kind + authors (follow lists), some by #p (mentions), #e (threads), ids.
std::vector<Filter> live_filters(const Event& target) {
    std::mt19937_64 rng(2);
    auto pubkey = [&] {
        wsn::crypto::XOnlyPubkey k;
        for (auto& b : k.bytes) b = static_cast<uint8_t>(rng());
        return k;
    };
    std::vector<Filter> out;
    for (int i = 0; i < 1000; ++i) {
        Filter f;
        switch (i % 4) {
            case 0:
            case 1: {  // home feed: kinds 1,6,7 from 200 follows
                f.kinds = std::vector<uint16_t>{1, 6, 7};
                std::vector<wsn::crypto::XOnlyPubkey> follows;
                for (int j = 0; j < 200; ++j) follows.push_back(pubkey());
                if (i == 0) follows.push_back(target.pubkey);
                f.authors = follows;
                break;
            }
            case 2:  // notifications: mentions of one user
                f.kinds = std::vector<uint16_t>{1, 7, 9735};
                f.tags = {{'p', {hex_of(rng)}}};
                break;
            case 3:  // a thread
                f.tags = {{'e', {hex_of(rng), hex_of(rng)}}};
                f.since = 1600000000;
                break;
        }
        f.normalize();
        out.push_back(std::move(f));
    }
    return out;
}

void BM_Match1000Filters(benchmark::State& state) {
    Event e = parsed_events()[0];
    auto filters = live_filters(e);
    size_t matched = 0;
    for (auto _ : state) {
        for (const Filter& f : filters) matched += f.matches(e);
        benchmark::ClobberMemory();
    }
    if (matched != static_cast<size_t>(state.iterations())) state.SkipWithError("expected exactly one match per pass");
    state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(filters.size()));
    state.counters["events/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Match1000Filters);

// The same 1,000 subscriptions through FilterIndex: only candidates are matched.
void BM_Index1000Filters(benchmark::State& state) {
    Event e = parsed_events()[0];
    auto filters = live_filters(e);
    FilterIndex index;
    for (size_t i = 0; i < filters.size(); ++i) index.add(i, {filters[i]});
    std::vector<FilterIndex::Key> out;
    for (auto _ : state) {
        index.matches(e, out);
        if (out.size() != 1) state.SkipWithError("expected exactly one match");
    }
    state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(filters.size()));
    state.counters["events/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Index1000Filters);

// A fan-out: 1,000 live feeds of 95 follows each, every one following the author,
// so each is a candidate through the author index and each matches.
void BM_IndexFanOut1000(benchmark::State& state) {
    Event e = parsed_events()[0];
    std::mt19937_64 rng(3);
    FilterIndex index;
    for (FilterIndex::Key k = 0; k < 1000; ++k) {
        Filter f;
        f.authors.emplace(1, e.pubkey);
        for (int j = 0; j < 94; ++j) {
            wsn::crypto::XOnlyPubkey a;
            for (auto& b : a.bytes) b = static_cast<uint8_t>(rng());
            f.authors->push_back(a);
        }
        f.since = e.created_at - 60;
        index.add(k, {std::move(f)});
    }
    std::vector<FilterIndex::Key> out;
    for (auto _ : state) {
        index.matches(e, out);
        if (out.size() != 1000) state.SkipWithError("expected every subscription to match");
    }
    state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_IndexFanOut1000);

}  // namespace
