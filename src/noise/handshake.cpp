// Noise_XK_secp256k1_ChaChaPoly_SHA256 as BOLT 8 (08-transport.md) writes it, prologue
// a parameter ("wsn.v1" for wsn):
//
//   XK:
//     <- s
//     ...
//     -> e, es
//     <- e, ee
//     -> s, se
//
// h is the handshake hash, ck the chaining key. HKDF(salt, ikm) yields two 32-byte
// keys; ECDH(k, P) = SHA-256 of the compressed point k·P; the AEAD is
// ChaChaPoly with nonce 32 zero bits || 64-bit little-endian counter, AD = h.
// A received act is checked for length and version before any crypto, worked on in
// copies of h and ck, and committed only when every check has passed.
#include "noise/handshake.hpp"

#include <algorithm>
#include <string>

#include "crypto/aead.hpp"
#include "util/require.hpp"

namespace wsn::noise {

namespace {

using crypto::Hash32;
using crypto::Secret32;

// h = SHA-256(h || data). Act fields are at most 49 bytes: hashed from the stack in
// one call (no digest context to set up, which costs more than the hash).
void mix_hash(Hash32& h, std::span<const uint8_t> data) {
    std::array<uint8_t, 32 + 64> buf;
    if (data.size() > 64) {
        crypto::Sha256 sha;
        h = sha.update(h).update(data).finish();
        return;
    }
    std::copy(h.begin(), h.end(), buf.begin());
    std::copy(data.begin(), data.end(), buf.begin() + 32);
    h = crypto::sha256(std::span(buf).first(32 + data.size()));
}

void mix_hash(Hash32& h, std::string_view data) {
    mix_hash(h, std::span(reinterpret_cast<const uint8_t*>(data.data()), data.size()));
}

// ck, temp_k = HKDF(ck, ikm): replaces ck, returns temp_k.
Secret32 mix_key(Secret32& ck, const Secret32& ikm) {
    auto out = crypto::hkdf2(ck.span(), ikm.span());
    ck = std::move(out.first);
    return std::move(out.second);
}

std::string bad_length(size_t got, size_t want) {
    return "bad length " + std::to_string(got) + " (want " + std::to_string(want) + ")";
}

}  // namespace

std::string_view to_string(ActFault f) {
    switch (f) {
        case ActFault::bad_length: return "bad length";
        case ActFault::bad_version: return "bad version";
        case ActFault::bad_pubkey: return "bad public key";
        case ActFault::bad_mac: return "bad MAC";
        case ActFault::bad_static_key_mac: return "bad MAC on the static key";
    }
    return "unknown fault";
}

StaticKey::StaticKey(crypto::SecretKey s) : secret(std::move(s)), pub(secret.public_key()) {}

StaticKey StaticKey::even_y(const crypto::SecretKey& s) { return StaticKey(s.with_even_y()); }

// Initialization: h = SHA-256(protocol name); ck = h; h = SHA-256(h || prologue).
// Pre-message "<- s": h = SHA-256(h || responder's static key), on both sides.
Handshake::Handshake(Role role, const StaticKey& local, std::optional<crypto::PublicKey> remote_static,
                     std::string_view prologue, std::optional<crypto::SecretKey> ephemeral)
    : role_(role),
      s_(local),
      e_(ephemeral ? std::move(*ephemeral) : crypto::SecretKey::generate()),
      rs_(std::move(remote_static)),
      aead_(std::make_unique<crypto::ChaChaPoly>()) {
    h_ = crypto::sha256(kProtocolName);
    std::copy(h_.begin(), h_.end(), ck_.data());
    mix_hash(h_, prologue);
    mix_hash(h_, role_ == Role::initiator ? rs_->bytes : s_.pub.bytes);
}

Handshake Handshake::initiator(const StaticKey& local, const crypto::PublicKey& remote_static,
                               std::string_view prologue, std::optional<crypto::SecretKey> ephemeral) {
    return Handshake(Role::initiator, local, remote_static, prologue, std::move(ephemeral));
}

Handshake Handshake::responder(const StaticKey& local, std::string_view prologue,
                               std::optional<crypto::SecretKey> ephemeral) {
    return Handshake(Role::responder, local, std::nullopt, prologue, std::move(ephemeral));
}

Status Handshake::fail(ActFault f, std::string_view act, std::string what) {
    state_ = State::failed;
    fault_ = f;
    return err(std::string(act) + ": " + what);
}

crypto::Secret32 Handshake::write_e_act(std::span<uint8_t, kActOneSize> act, const crypto::PublicKey& remote) {
    act[0] = kHandshakeVersion;
    auto e_field = act.subspan<1, 33>();
    auto c = act.subspan<34, 16>();
    const crypto::PublicKey e_pub = e_.public_key();
    std::copy(e_pub.bytes.begin(), e_pub.bytes.end(), e_field.begin());
    mix_hash(h_, e_pub.bytes);
    Secret32 k = mix_key(ck_, crypto::ecdh(e_, remote));
    aead_->seal(k, 0, h_, {}, c);
    mix_hash(h_, c);
    return k;
}

// Checks length and version before any crypto, and works on copies of h and ck.
Result<crypto::Secret32> Handshake::read_e_act(std::span<const uint8_t> act, const crypto::SecretKey& local,
                                               std::string_view name) {
    auto failed = [&](ActFault f, std::string what) { return Result<Secret32>(fail(f, name, std::move(what)).error()); };
    if (act.size() != kActOneSize) return failed(ActFault::bad_length, bad_length(act.size(), kActOneSize));
    if (act[0] != kHandshakeVersion) return failed(ActFault::bad_version, "bad version " + std::to_string(act[0]));
    auto re = crypto::parse_public_key(act.subspan(1, 33));
    if (!re) return failed(ActFault::bad_pubkey, "bad ephemeral key: " + re.error().message);
    auto c = act.subspan(34, 16);

    Hash32 h = h_;
    Secret32 ck = ck_;
    mix_hash(h, re->bytes);
    Secret32 k = mix_key(ck, crypto::ecdh(local, *re));
    if (!aead_->open(k, 0, h, c, {})) return failed(ActFault::bad_mac, "bad MAC");
    mix_hash(h, c);

    re_ = *re;
    h_ = h;
    ck_ = std::move(ck);
    return k;
}

// ---- Act one: -> e, es ------------------------------------------------------
// Initiator: e = generateKey(); h = SHA-256(h || e.pub); es = ECDH(e, rs);
// ck, temp_k1 = HKDF(ck, es); c = encryptWithAD(temp_k1, 0, h, ""); h = SHA-256(h || c).
// Sends 0 || e.pub || c.

ActOne Handshake::write_act_one() {
    require(role_ == Role::initiator && state_ == State::start);
    ActOne act{};
    write_e_act(act, *rs_);  // es; temp_k1 serves this act only
    state_ = State::act_one_sent;
    return act;
}

// Responder: mirrors the initiator with es = ECDH(s, re).
Status Handshake::read_act_one(std::span<const uint8_t> act) {
    require(role_ == Role::responder && state_ == State::start);
    auto k = read_e_act(act, s_.secret, "act one");
    if (!k) return k.error();
    state_ = State::act_one_received;
    return Ok{};
}

// ---- Act two: <- e, ee ------------------------------------------------------
// Responder: e = generateKey(); h = SHA-256(h || e.pub); ee = ECDH(e, re);
// ck, temp_k2 = HKDF(ck, ee); c = encryptWithAD(temp_k2, 0, h, ""); h = SHA-256(h || c).
// Sends 0 || e.pub || c.

ActTwo Handshake::write_act_two() {
    require(role_ == Role::responder && state_ == State::act_one_received);
    ActTwo act{};
    temp_k2_ = write_e_act(act, re_);  // ee
    state_ = State::act_two_sent;
    return act;
}

// Initiator: mirrors the responder with ee = ECDH(e, re).
Status Handshake::read_act_two(std::span<const uint8_t> act) {
    require(role_ == Role::initiator && state_ == State::act_one_sent);
    auto k = read_e_act(act, e_, "act two");
    if (!k) return k.error();
    temp_k2_ = std::move(*k);
    state_ = State::act_two_received;
    return Ok{};
}

// ---- Act three: -> s, se ----------------------------------------------------
// Initiator: c = encryptWithAD(temp_k2, 1, h, s.pub); h = SHA-256(h || c);
// se = ECDH(s, re); ck, temp_k3 = HKDF(ck, se); t = encryptWithAD(temp_k3, 0, h, "").
// Sends 0 || c || t. (As in BOLT 8, t is not mixed into h.)

ActThree Handshake::write_act_three() {
    require(role_ == Role::initiator && state_ == State::act_two_received);
    ActThree act{};
    act[0] = kHandshakeVersion;
    auto c = std::span(act).subspan<1, 49>();
    auto t = std::span(act).subspan<50, 16>();

    aead_->seal(temp_k2_, 1, h_, s_.pub.bytes, c);                   // s
    mix_hash(h_, c);
    Secret32 temp_k3 = mix_key(ck_, crypto::ecdh(s_.secret, re_));  // se
    aead_->seal(temp_k3, 0, h_, {}, t);
    state_ = State::done;
    return act;
}

// Responder: checks length and version, decrypts and parses the initiator's static
// key rs, se = ECDH(e, rs), and checks t.
Status Handshake::read_act_three(std::span<const uint8_t> act) {
    require(role_ == Role::responder && state_ == State::act_two_sent);
    if (act.size() != kActThreeSize) return fail(ActFault::bad_length, "act three", bad_length(act.size(), kActThreeSize));
    if (act[0] != kHandshakeVersion) return fail(ActFault::bad_version, "act three", "bad version " + std::to_string(act[0]));
    auto c = act.subspan(1, 49);
    auto t = act.subspan(50, 16);

    std::array<uint8_t, 33> rs_bytes;
    if (!aead_->open(temp_k2_, 1, h_, c, rs_bytes))                  // s
        return fail(ActFault::bad_static_key_mac, "act three", "bad MAC on the static key");
    auto rs = crypto::parse_public_key(rs_bytes);
    if (!rs) return fail(ActFault::bad_pubkey, "act three", "bad static key: " + rs.error().message);
    Hash32 h = h_;
    Secret32 ck = ck_;
    mix_hash(h, c);
    Secret32 temp_k3 = mix_key(ck, crypto::ecdh(e_, *rs));       // se
    if (!aead_->open(temp_k3, 0, h, t, {})) return fail(ActFault::bad_mac, "act three", "bad MAC");

    rs_ = *rs;
    h_ = h;
    ck_ = std::move(ck);
    state_ = State::done;
    return Ok{};
}

// ---- Split: sk, rk = HKDF(ck, "") for the initiator (rk, sk for the responder);
// both directions start with ck as their chaining key.

Transport Handshake::take_transport() {
    require(state_ == State::done && !transport_taken_);
    transport_taken_ = true;
    auto keys = crypto::hkdf2(ck_.span(), {});
    const Secret32& send = role_ == Role::initiator ? keys.first : keys.second;
    const Secret32& recv = role_ == Role::initiator ? keys.second : keys.first;
    return Transport{CipherState(ck_, send), CipherState(ck_, recv)};
}

const crypto::PublicKey& Handshake::remote_static() const {
    require(rs_.has_value());
    return *rs_;
}

}  // namespace wsn::noise
