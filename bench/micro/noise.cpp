// Handshakes per second (initiator side and responder side measured apart) and
// seal/open throughput of wsn.v1 messages. DESIGN §7 limits on one core: about
// 6,900 handshakes/s per side (four scalar multiplications), ChaCha20-Poly1305 3.7 GB/s.
#include <benchmark/benchmark.h>

#include "noise/framing.hpp"
#include "noise/handshake.hpp"

using namespace wsn;
using namespace wsn::noise;

namespace {

crypto::SecretKey fixed(uint8_t byte) {
    std::array<uint8_t, 32> b{};
    b.fill(byte);
    return *crypto::SecretKey::from_bytes(b);
}

// Fixed ephemerals make every act the same, so one side can run alone against
// recorded acts of the other; the work per handshake is that of random keys.
struct Recorded {
    StaticKey relay = StaticKey::even_y(fixed(0x21));
    StaticKey client{fixed(0x11)};
    ActOne act1;
    ActTwo act2;
    ActThree act3;

    Recorded() {
        auto i = initiator();
        auto r = responder();
        act1 = i.write_act_one();
        if (!r.read_act_one(act1).ok()) std::abort();
        act2 = r.write_act_two();
        if (!i.read_act_two(act2).ok()) std::abort();
        act3 = i.write_act_three();
    }
    Handshake initiator() const { return Handshake::initiator(client, relay.pub, kWsnPrologue, fixed(0x12)); }
    Handshake responder() const { return Handshake::responder(relay, kWsnPrologue, fixed(0x22)); }
};

void BM_HandshakeInitiator(benchmark::State& state) {
    Recorded rec;
    for (auto _ : state) {
        auto i = rec.initiator();
        benchmark::DoNotOptimize(i.write_act_one());
        if (!i.read_act_two(rec.act2).ok()) std::abort();
        benchmark::DoNotOptimize(i.write_act_three());
        benchmark::DoNotOptimize(i.take_transport());
    }
    state.counters["handshakes/s"] = benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_HandshakeInitiator);

void BM_HandshakeResponder(benchmark::State& state) {
    Recorded rec;
    for (auto _ : state) {
        auto r = rec.responder();
        if (!r.read_act_one(rec.act1).ok()) std::abort();
        benchmark::DoNotOptimize(r.write_act_two());
        if (!r.read_act_three(rec.act3).ok()) std::abort();
        benchmark::DoNotOptimize(r.take_transport());
    }
    state.counters["handshakes/s"] = benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_HandshakeResponder);

// The same handshake with fresh random ephemerals, as in real use.
void BM_HandshakeBothSidesRandom(benchmark::State& state) {
    Recorded rec;
    for (auto _ : state) {
        auto i = Handshake::initiator(rec.client, rec.relay.pub);
        auto r = Handshake::responder(rec.relay);
        if (!r.read_act_one(i.write_act_one()).ok()) std::abort();
        if (!i.read_act_two(r.write_act_two()).ok()) std::abort();
        if (!r.read_act_three(i.write_act_three()).ok()) std::abort();
    }
    state.counters["handshakes/s"] = benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_HandshakeBothSidesRandom);

CipherState cipher() {
    std::array<uint8_t, 32> a;
    a.fill(7);
    return CipherState(crypto::Secret32(a), crypto::Secret32(a));
}

void BM_Seal(benchmark::State& state) {
    const size_t n = size_t(state.range(0));
    std::vector<uint8_t> msg(n, 'x');
    Sealer s(cipher());
    for (auto _ : state) benchmark::DoNotOptimize(s.seal(msg));
    state.SetBytesProcessed(int64_t(state.iterations() * n));
}
BENCHMARK(BM_Seal)->Arg(1024)->Arg(64 * 1024);

// Opens a stream of consecutive messages sealed beforehand; a new Opener restarts
// the stream (outside the timing) when it is used up.
void BM_Open(benchmark::State& state) {
    const size_t n = size_t(state.range(0));
    const size_t count = std::max<size_t>(16, (16u << 20) / n);
    std::vector<uint8_t> msg(n, 'x');
    Sealer s(cipher());
    std::vector<std::vector<uint8_t>> sealed;
    for (size_t i = 0; i < count; ++i) sealed.push_back(*s.seal(msg));
    auto o = std::make_unique<Opener>(cipher(), n);
    size_t next = 0;
    for (auto _ : state) {
        if (next == count) {
            state.PauseTiming();
            o = std::make_unique<Opener>(cipher(), n);
            next = 0;
            state.ResumeTiming();
        }
        auto r = o->open(sealed[next++]);
        if (!r) std::abort();
        benchmark::DoNotOptimize(r);
    }
    state.SetBytesProcessed(int64_t(state.iterations() * n));
}
BENCHMARK(BM_Open)->Arg(1024)->Arg(64 * 1024);

// Baselines on the same machine and load: one scalar multiplication (ECDH, public
// key) and raw ChaCha20-Poly1305 into a ready buffer, the floors of the above.
void BM_BaselineEcdh(benchmark::State& state) {
    auto k = fixed(0x21);
    auto p = fixed(0x22).public_key();
    for (auto _ : state) benchmark::DoNotOptimize(crypto::ecdh(k, p));
}
BENCHMARK(BM_BaselineEcdh);

void BM_BaselinePublicKey(benchmark::State& state) {
    auto k = fixed(0x21);
    for (auto _ : state) benchmark::DoNotOptimize(k.public_key());
}
BENCHMARK(BM_BaselinePublicKey);

void BM_BaselineChaChaPoly(benchmark::State& state) {
    const size_t n = size_t(state.range(0));
    std::vector<uint8_t> msg(n, 'x'), out(n + crypto::kTagSize);
    crypto::Secret32 key;
    crypto::ChaChaPoly aead;
    uint64_t nonce = 0;
    for (auto _ : state) {
        aead.seal(key, nonce++, {}, msg, out);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetBytesProcessed(int64_t(state.iterations() * n));
}
BENCHMARK(BM_BaselineChaChaPoly)->Arg(1024)->Arg(64 * 1024);

}  // namespace
