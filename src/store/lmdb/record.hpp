#pragma once
// The value stored per event in the `events` database: a fixed binary header and
// a block of the single-letter tags ahead of the wire JSON, so queries match a
// candidate against its filter (and skip expired ones) without parsing JSON.
//
//   id(32) pubkey(32) created_at u32 kind u16 expires_at u64 (0: never)
//   tag_block_len u32, tag block: { letter(1) len u32 value } per indexed tag, in event order
//   JSON (the rest)
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "nostr/event.hpp"
#include "nostr/filter.hpp"

namespace wsn::store::lmdb {

struct RecordView {
    nostr::Id id{};
    crypto::XOnlyPubkey pubkey;
    uint32_t created_at = 0;
    uint16_t kind = 0;
    uint64_t expires_at = 0;  // 0: no NIP-40 expiration
    std::string_view tag_block;
    std::string_view json;

    bool expired(int64_t now) const { return expires_at != 0 && now >= 0 && expires_at <= uint64_t(now); }
    // Calls f(letter, value) for each indexed tag, in event order; stops when f returns false.
    template <class F>
    void for_each_tag(F&& f) const;
    // The value of the first `d` tag, "" if none (as nostr::d_tag).
    std::string_view d_tag() const;
};

std::string encode_record(const nostr::Event& e, uint64_t expires_at, std::string_view json);
// nullopt if the bytes are not a well-formed record (a damaged database).
std::optional<RecordView> decode_record(std::string_view value);

// Filter::matches over a record; `limit` and `search` are ignored.
bool record_matches(const nostr::Filter& f, const RecordView& r);

template <class F>
void RecordView::for_each_tag(F&& f) const {
    const auto* p = reinterpret_cast<const uint8_t*>(tag_block.data());
    const auto* end = p + tag_block.size();
    while (p != end) {  // decode_record checked the block's framing
        char letter = char(p[0]);
        uint32_t len = uint32_t(p[1]) << 24 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 8 | p[4];
        if (!f(letter, std::string_view(reinterpret_cast<const char*>(p + 5), len))) return;
        p += 5 + len;
    }
}

}  // namespace wsn::store::lmdb
