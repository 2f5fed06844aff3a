#include "crypto/keys.hpp"

#include <openssl/rand.h>
#include <secp256k1.h>
#include <secp256k1_ecdh.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

#include <cstdlib>
#include <cstring>
#include <memory>

#include "util/hex.hpp"

namespace wsn::crypto {

namespace {

// One context for the whole process, randomized once against side channels.
// libsecp256k1 contexts are safe to share between threads for every const use.
const secp256k1_context* ctx() {
    static const secp256k1_context* c = [] {
        secp256k1_context* x = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
        uint8_t seed[32];
        random_bytes(seed);
        if (!secp256k1_context_randomize(x, seed)) std::abort();
        wipe(seed, sizeof seed);
        return x;
    }();
    return c;
}

// A keypair for k; k is valid by construction of SecretKey.
secp256k1_keypair make_keypair(const Secret32& k) {
    secp256k1_keypair kp;
    if (!secp256k1_keypair_create(ctx(), &kp, k.data())) std::abort();
    return kp;
}

// Parses a compressed point (a square root, ~4 µs), remembering the last one per
// thread: a handshake validates each peer point and then uses it in up to two ECDHs,
// so this saves three of five parses per side. Points are public; nothing secret is kept.
bool parse_point(const uint8_t* bytes, secp256k1_pubkey& out) {
    thread_local bool have_last = false;
    thread_local std::array<uint8_t, 33> last_bytes{};
    thread_local secp256k1_pubkey last{};
    if (have_last && std::memcmp(last_bytes.data(), bytes, 33) == 0) {
        out = last;
        return true;
    }
    if (!secp256k1_ec_pubkey_parse(ctx(), &out, bytes, 33)) return false;
    std::memcpy(last_bytes.data(), bytes, 33);
    last = out;
    have_last = true;
    return true;
}

// Parses an x-only key (a square root, ~5 µs here: an eighth of a verify), remembering
// recent ones per thread in a small direct-mapped table: a relay's verifier sees the
// same authors again and again. Keys are public; a slot is used only on a full match.
bool parse_xonly(const XOnlyPubkey& pk, secp256k1_xonly_pubkey& out) {
    struct Slot {
        bool used = false;
        std::array<uint8_t, 32> bytes;
        secp256k1_xonly_pubkey parsed;
    };
    constexpr size_t kSlots = 1024;  // 100 KiB a verifying thread
    thread_local std::unique_ptr<std::array<Slot, kSlots>> table;
    if (!table) table = std::make_unique<std::array<Slot, kSlots>>();
    Slot& slot = (*table)[(pk.bytes[0] | pk.bytes[1] << 8) % kSlots];  // keys are uniform
    if (slot.used && slot.bytes == pk.bytes) {
        out = slot.parsed;
        return true;
    }
    if (!secp256k1_xonly_pubkey_parse(ctx(), &out, pk.bytes.data())) return false;
    slot = Slot{true, pk.bytes, out};
    return true;
}

secp256k1_pubkey to_secp(const PublicKey& p) {
    secp256k1_pubkey out;
    if (!parse_point(p.bytes.data(), out)) std::abort();
    return out;
}

}  // namespace

void random_bytes(std::span<uint8_t> out) {
    if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) std::abort();
}

std::string XOnlyPubkey::hex() const { return to_hex(bytes); }

XOnlyPubkey PublicKey::xonly() const {
    XOnlyPubkey x;
    std::memcpy(x.bytes.data(), bytes.data() + 1, 32);
    return x;
}

SecretKey SecretKey::generate() {
    for (;;) {
        Secret32 s;
        random_bytes(s.span());
        if (secp256k1_ec_seckey_verify(ctx(), s.data())) {
            SecretKey k;
            k.secret_ = std::move(s);
            return k;
        }
    }
}

Result<SecretKey> SecretKey::from_bytes(std::span<const uint8_t> bytes) {
    if (bytes.size() != 32) return err("secret key must be 32 bytes");
    if (!secp256k1_ec_seckey_verify(ctx(), bytes.data()))
        return err("secret key is zero or not below the curve order");
    SecretKey k;
    std::memcpy(k.secret_.data(), bytes.data(), 32);
    return k;
}

Result<SecretKey> SecretKey::from_hex(std::string_view hex) {
    auto b = from_hex_fixed<32>(hex);
    if (!b) return err("secret key must be 64 hex characters");
    auto k = from_bytes(*b);
    wipe(b->data(), b->size());
    return k;
}

PublicKey SecretKey::public_key() const {
    secp256k1_pubkey pk;
    if (!secp256k1_ec_pubkey_create(ctx(), &pk, secret_.data())) std::abort();
    PublicKey out;
    size_t len = out.bytes.size();
    secp256k1_ec_pubkey_serialize(ctx(), out.bytes.data(), &len, &pk, SECP256K1_EC_COMPRESSED);
    return out;
}

XOnlyPubkey SecretKey::xonly_pubkey() const { return public_key().xonly(); }

SecretKey SecretKey::with_even_y() const {
    SecretKey k = *this;
    if (public_key().has_odd_y() && !secp256k1_ec_seckey_negate(ctx(), k.secret_.data())) std::abort();
    return k;
}

std::string SecretKey::secret_hex() const { return to_hex(secret_.span()); }

Result<PublicKey> parse_public_key(std::span<const uint8_t> bytes) {
    secp256k1_pubkey pk;
    if (bytes.size() != 33 || (bytes[0] != 0x02 && bytes[0] != 0x03))
        return err("public key must be 33 bytes in compressed form");
    if (!parse_point(bytes.data(), pk)) return err("public key is not a point on secp256k1");
    PublicKey out;
    std::memcpy(out.bytes.data(), bytes.data(), 33);
    return out;
}

Result<PublicKey> lift_x(const XOnlyPubkey& x) {
    uint8_t c[33];
    c[0] = 0x02;
    std::memcpy(c + 1, x.bytes.data(), 32);
    auto p = parse_public_key(c);
    if (!p) return err("x-only public key is not on secp256k1");
    return p;
}

Result<XOnlyPubkey> parse_xonly_hex(std::string_view hex) {
    auto b = from_hex_fixed<32>(hex, true);
    if (!b) return err("public key must be 64 lowercase hex characters");
    XOnlyPubkey x{*b};
    if (!lift_x(x)) return err("public key is not a point on secp256k1");
    return x;
}

Secret32 ecdh(const SecretKey& k, const PublicKey& p) {
    secp256k1_pubkey pk = to_secp(p);
    Secret32 out;
    // The default hash is SHA-256 over the compressed point, exactly BOLT 8's ECDH.
    if (!secp256k1_ecdh(ctx(), out.data(), &pk, k.secret().data(), nullptr, nullptr)) std::abort();
    return out;
}

Signature schnorr_sign(const SecretKey& k, std::span<const uint8_t> msg,
                       const std::optional<std::array<uint8_t, 32>>& aux) {
    secp256k1_keypair kp = make_keypair(k.secret());
    std::array<uint8_t, 32> rand;
    if (aux) rand = *aux;
    else random_bytes(rand);
    secp256k1_schnorrsig_extraparams params = SECP256K1_SCHNORRSIG_EXTRAPARAMS_INIT;
    params.ndata = rand.data();
    Signature sig;
    if (!secp256k1_schnorrsig_sign_custom(ctx(), sig.data(), msg.data(), msg.size(), &kp, &params))
        std::abort();
    wipe(&kp, sizeof kp);
    return sig;
}

bool schnorr_verify(const XOnlyPubkey& pk, std::span<const uint8_t> msg, const Signature& sig) {
    secp256k1_xonly_pubkey x;
    if (!parse_xonly(pk, x)) return false;
    return secp256k1_schnorrsig_verify(ctx(), sig.data(), msg.data(), msg.size(), &x) == 1;
}

}  // namespace wsn::crypto
