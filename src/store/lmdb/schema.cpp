// Key encoders for the layouts documented in schema.hpp.
#include "store/lmdb/schema.hpp"

#include "crypto/hash.hpp"

namespace wsn::store::lmdb::schema {

void put_u16(std::string& out, uint16_t v) {
    out += char(v >> 8);
    out += char(v);
}

void put_u32(std::string& out, uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) out += char(v >> s);
}

void put_u64(std::string& out, uint64_t v) {
    for (int s = 56; s >= 0; s -= 8) out += char(v >> s);
}

uint16_t get_u16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }

uint32_t get_u32(const uint8_t* p) {
    return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | uint32_t(p[3]);
}

uint64_t get_u64(const uint8_t* p) { return uint64_t(get_u32(p)) << 32 | get_u32(p + 4); }

void put_bytes(std::string& out, std::span<const uint8_t> b) { out.append(reinterpret_cast<const char*>(b.data()), b.size()); }

void put_tagval(std::string& out, std::string_view value) {
    if (value.size() <= kMaxInlineTagValue) {
        out += char(value.size());
        out += value;
    } else {
        out += char(kHashedTagValue);
        put_bytes(out, crypto::sha256(value));
    }
}

std::string pubkey_prefix(const crypto::XOnlyPubkey& pk) {
    std::string k;
    put_bytes(k, pk.bytes);
    return k;
}

std::string kind_prefix(uint16_t kind) {
    std::string k;
    put_u16(k, kind);
    return k;
}

std::string pubkey_kind_prefix(const crypto::XOnlyPubkey& pk, uint16_t kind) {
    std::string k = pubkey_prefix(pk);
    put_u16(k, kind);
    return k;
}

std::string tag_prefix(char letter, std::string_view value) {
    std::string k(1, letter);
    put_tagval(k, value);
    return k;
}

std::string with_position(std::string prefix, uint32_t created_at, uint64_t seq) {
    put_u32(prefix, created_at);
    put_u64(prefix, seq);
    return prefix;
}

std::string replace_key(const crypto::XOnlyPubkey& pk, uint16_t kind, std::string_view d) {
    std::string k = pubkey_kind_prefix(pk, kind);
    put_tagval(k, nostr::is_addressable(kind) ? d : std::string_view{});
    return k;
}

std::string deleted_id_key(const nostr::Id& id, const crypto::XOnlyPubkey& deleter) {
    std::string k;
    put_bytes(k, id);
    put_bytes(k, deleter.bytes);
    return k;
}

std::string deleted_addr_key(uint16_t kind, const crypto::XOnlyPubkey& pk, std::string_view d) {
    std::string k = kind_prefix(kind);
    put_bytes(k, pk.bytes);
    put_tagval(k, nostr::is_addressable(kind) ? d : std::string_view{});
    return k;
}

std::string expiration_key(uint64_t expires_at, uint64_t seq) {
    std::string k;
    put_u64(k, expires_at);
    put_u64(k, seq);
    return k;
}

std::string seq_key(uint64_t seq) {
    std::string k;
    put_u64(k, seq);
    return k;
}

}  // namespace wsn::store::lmdb::schema
