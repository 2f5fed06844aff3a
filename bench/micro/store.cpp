// Store throughput: batched writes (sync off and on) and typical REQ shapes over
// 100k events. Events are signed once up front (about 5 s) and shared.
//   ninja -C build-store-rel bench_store && build-store-rel/bench/bench_store
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>
#include <limits>
#include <random>

#include "nostr/parser.hpp"
#include "store/lmdb/lmdb_store.hpp"
#include "store/lmdb/record.hpp"

using namespace wsn;
using namespace wsn::store;
using namespace wsn::store::lmdb;

namespace {

constexpr int64_t kNow = 1'700'000'000;
constexpr size_t kEvents = 100'000;

// 100k events from 1000 authors over 30 days: kinds 1 (70%), 7 (20%), 6, 1111;
// e and p tags from a pool, some hashtags.
struct Corpus {
    std::vector<crypto::SecretKey> keys;
    std::vector<std::string> e_pool;
    std::vector<WriteItem> items;

    Corpus() {
        std::mt19937 rng(1);
        for (int i = 0; i < 1000; ++i) keys.push_back(crypto::SecretKey::generate());
        for (int i = 0; i < 5000; ++i) {
            nostr::Id id;
            for (auto& b : id) b = uint8_t(rng());
            e_pool.push_back(nostr::id_hex(id));
        }
        const char* words[] = {"nostr", "bitcoin", "wsn", "relay", "art", "music", "news", "dev"};
        items.reserve(kEvents);
        for (size_t i = 0; i < kEvents; ++i) {
            unsigned r = rng() % 100;
            uint16_t kind = r < 70 ? 1 : r < 90 ? 7 : r < 95 ? 6 : 1111;
            std::vector<nostr::Tag> tags;
            if (kind != 1 || rng() % 3 == 0) tags.push_back({"e", e_pool[rng() % e_pool.size()]});
            if (rng() % 2) tags.push_back({"p", keys[rng() % keys.size()].xonly_pubkey().hex()});
            if (rng() % 4 == 0) tags.push_back({"t", words[rng() % 8]});
            auto e = nostr::make_signed(keys[rng() % keys.size()], kNow - int64_t(rng() % (30 * 86400)), kind,
                                        std::move(tags), "note " + std::to_string(i) + std::string(rng() % 200, 'x'));
            items.emplace_back(std::move(e));
        }
    }
};

const Corpus& corpus() {
    static const Corpus c;
    return c;
}

struct TempStore {
    std::string root;
    std::unique_ptr<LmdbStore> store;

    explicit TempStore(bool sync) {
        std::string tmpl = "/tmp/wsn-bench-store-XXXXXX";
        if (!mkdtemp(tmpl.data())) abort();
        root = tmpl;
        auto s = LmdbStore::open(LmdbOptions{.dir = root + "/data", .map_size = 1ull << 34, .sync = sync});
        if (!s.ok()) abort();
        store = std::move(*s);
    }
    ~TempStore() {
        store.reset();
        std::filesystem::remove_all(root);
    }
};

// Args: batch size, sync. Items: events written per second of wall time (fsync waits count).
void BM_Write(benchmark::State& state) {
    const auto& items = corpus().items;
    size_t batch = size_t(state.range(0));
    bool sync = state.range(1) != 0;
    auto ts = std::make_unique<TempStore>(sync);
    size_t at = 0;
    for (auto _ : state) {
        if (at + batch > items.size()) {  // used every event: start over on an empty store
            state.PauseTiming();
            ts.reset();
            ts = std::make_unique<TempStore>(sync);
            at = 0;
            state.ResumeTiming();
        }
        auto r = ts->store->write(std::span(items).subspan(at, batch), kNow);
        if (!r.ok()) state.SkipWithError(r.error().message.c_str());
        at += batch;
    }
    state.SetItemsProcessed(int64_t(state.iterations() * batch));
}
BENCHMARK(BM_Write)->ArgsProduct({{1, 100, 1000}, {0, 1}})->ArgNames({"batch", "sync"})->UseRealTime()->Unit(benchmark::kMicrosecond);

const LmdbStore& full_store() {
    static const auto ts = [] {
        auto t = std::make_unique<TempStore>(false);
        const auto& items = corpus().items;
        for (size_t at = 0; at < items.size(); at += 1000)
            if (!t->store->write(std::span(items).subspan(at, std::min<size_t>(1000, items.size() - at)), kNow).ok())
                abort();
        return t;
    }();
    return *ts->store;
}

// Runs a REQ to completion in one read transaction. Items: events sent.
void run_query(benchmark::State& state, const std::vector<nostr::Filter>& filters) {
    const Store& store = full_store();
    uint64_t sent = 0;
    for (auto _ : state) {
        auto q = store.query(filters, 500, kNow);
        size_t bytes = 0;
        while (!q->step(1000, [&](const StoredEvent& e) { bytes += e.json.size(), ++sent; })) {
        }
        benchmark::DoNotOptimize(bytes);
    }
    state.SetItemsProcessed(int64_t(sent));
}

nostr::Filter limited(nostr::Filter f, uint64_t limit) {
    f.limit = limit;
    f.normalize();
    return f;
}

void BM_QueryRecent(benchmark::State& state) { run_query(state, {limited({}, 100)}); }
BENCHMARK(BM_QueryRecent)->Unit(benchmark::kMicrosecond);

void BM_QueryAuthor(benchmark::State& state) {
    nostr::Filter f;
    f.authors = {corpus().keys[7].xonly_pubkey()};
    run_query(state, {limited(f, 100)});
}
BENCHMARK(BM_QueryAuthor)->Unit(benchmark::kMicrosecond);

void BM_QueryFollowsFeed(benchmark::State& state) {  // 200 follows, kinds 1 and 6
    nostr::Filter f;
    f.authors.emplace();
    for (int i = 0; i < 200; ++i) f.authors->push_back(corpus().keys[i].xonly_pubkey());
    f.kinds = {1, 6};
    run_query(state, {limited(f, 200)});
}
BENCHMARK(BM_QueryFollowsFeed)->Unit(benchmark::kMicrosecond);

void BM_QueryKind(benchmark::State& state) {
    nostr::Filter f;
    f.kinds = {7};
    run_query(state, {limited(f, 500)});
}
BENCHMARK(BM_QueryKind)->Unit(benchmark::kMicrosecond);

void BM_QueryTagHashtag(benchmark::State& state) {
    nostr::Filter f;
    f.tags = {{'t', {"nostr"}}};
    run_query(state, {limited(f, 500)});
}
BENCHMARK(BM_QueryTagHashtag)->Unit(benchmark::kMicrosecond);

void BM_QueryRepliesAndMentions(benchmark::State& state) {  // a thread view: #e plus #p, two filters
    nostr::Filter e, p;
    e.tags = {{'e', {corpus().e_pool[1], corpus().e_pool[2], corpus().e_pool[3]}}};
    p.tags = {{'p', {corpus().keys[3].xonly_pubkey().hex()}}};
    run_query(state, {limited(e, 100), limited(p, 100)});
}
BENCHMARK(BM_QueryRepliesAndMentions)->Unit(benchmark::kMicrosecond);

void BM_QueryIds(benchmark::State& state) {
    nostr::Filter f;
    f.ids.emplace();
    for (size_t i = 0; i < 50; ++i) f.ids->push_back(corpus().items[i * 1999].event().id);
    run_query(state, {limited(f, 50)});
}
BENCHMARK(BM_QueryIds)->Unit(benchmark::kMicrosecond);

void BM_QueryTagKindSince(benchmark::State& state) {  // tag index, candidates checked for kind and since
    nostr::Filter f;
    f.tags = {{'t', {"dev"}}};
    f.kinds = {1};
    f.since = kNow - 86400;
    run_query(state, {limited(f, 500)});
}
BENCHMARK(BM_QueryTagKindSince)->Unit(benchmark::kMicrosecond);

void BM_CountKind(benchmark::State& state) {  // NIP-45 over ~20k events
    const Store& store = full_store();
    nostr::Filter f;
    f.kinds = {7};
    std::vector<nostr::Filter> filters{f};
    for (auto _ : state) {
        auto c = store.count(filters, kNow);
        while (!c->step(std::numeric_limits<uint64_t>::max())) {
        }
        benchmark::DoNotOptimize(c->total());
    }
}
BENCHMARK(BM_CountKind)->Unit(benchmark::kMillisecond);

// Why records carry a binary header and tag block: matching a candidate from
// them versus parsing its JSON first. Items: candidates checked.
nostr::Filter match_filter() {
    nostr::Filter f;
    f.kinds = {1, 6};
    f.tags = {{'p', {corpus().keys[3].xonly_pubkey().hex()}}};
    f.normalize();
    return f;
}

void BM_MatchFromRecord(benchmark::State& state) {
    std::vector<std::string> records;
    for (size_t i = 0; i < 1000; ++i) {
        const auto& it = corpus().items[i];
        records.push_back(encode_record(it.event(), 0, it.json()));
    }
    auto f = match_filter();
    size_t n = 0, hits = 0;
    for (auto _ : state) {
        auto r = decode_record(records[n++ % records.size()]);
        hits += r && record_matches(f, *r);
    }
    benchmark::DoNotOptimize(hits);
    state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(BM_MatchFromRecord);

void BM_MatchFromJson(benchmark::State& state) {
    nostr::Parser parser;
    auto f = match_filter();
    size_t n = 0, hits = 0;
    for (auto _ : state) {
        auto e = parser.parse_event(corpus().items[n++ % 1000].json());
        hits += e.ok() && f.matches(*e);
    }
    benchmark::DoNotOptimize(hits);
    state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(BM_MatchFromJson);

}  // namespace
