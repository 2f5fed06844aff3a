// Record encoding (layout in record.hpp) and filter matching over records.
#include "store/lmdb/record.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

#include "store/lmdb/schema.hpp"

namespace wsn::store::lmdb {

namespace {

constexpr size_t kHeaderBytes = 32 + 32 + 4 + 2 + 8 + 4;

template <class T>
bool contains(const std::vector<T>& sorted, const T& x) {
    return std::binary_search(sorted.begin(), sorted.end(), x);
}

}  // namespace

std::string encode_record(const nostr::Event& e, uint64_t expires_at, std::string_view json) {
    std::string block;
    for (const nostr::Tag& t : e.tags) {
        if (!nostr::is_filterable_tag(t)) continue;
        block += t[0][0];
        schema::put_u32(block, uint32_t(t[1].size()));
        block += t[1];
    }
    std::string out;
    out.reserve(kHeaderBytes + block.size() + json.size());
    schema::put_bytes(out, e.id);
    schema::put_bytes(out, e.pubkey.bytes);
    schema::put_u32(out, uint32_t(e.created_at));
    schema::put_u16(out, e.kind);
    schema::put_u64(out, expires_at);
    schema::put_u32(out, uint32_t(block.size()));
    out += block;
    out += json;
    return out;
}

std::optional<RecordView> decode_record(std::string_view value) {
    if (value.size() < kHeaderBytes) return std::nullopt;
    const auto* p = reinterpret_cast<const uint8_t*>(value.data());
    RecordView r;
    std::memcpy(r.id.data(), p, 32);
    std::memcpy(r.pubkey.bytes.data(), p + 32, 32);
    r.created_at = schema::get_u32(p + 64);
    r.kind = schema::get_u16(p + 68);
    r.expires_at = schema::get_u64(p + 70);
    uint32_t block_len = schema::get_u32(p + 78);
    if (block_len > value.size() - kHeaderBytes) return std::nullopt;
    r.tag_block = value.substr(kHeaderBytes, block_len);
    r.json = value.substr(kHeaderBytes + block_len);
    // Check the block's framing once so for_each_tag can trust it.
    for (size_t at = 0; at < block_len;) {
        if (block_len - at < 5) return std::nullopt;
        uint32_t len = schema::get_u32(p + kHeaderBytes + at + 1);
        if (len > block_len - at - 5) return std::nullopt;
        at += 5 + len;
    }
    return r;
}

std::string_view RecordView::d_tag() const {
    std::string_view d;
    for_each_tag([&](char letter, std::string_view v) {
        if (letter != 'd') return true;
        d = v;
        return false;
    });
    return d;
}

bool record_matches(const nostr::Filter& f, const RecordView& r) {
    if (f.kinds && !contains(*f.kinds, r.kind)) return false;
    if (f.since && int64_t(r.created_at) < *f.since) return false;
    if (f.until && int64_t(r.created_at) > *f.until) return false;
    if (f.authors && !contains(*f.authors, r.pubkey)) return false;
    if (f.ids && !contains(*f.ids, r.id)) return false;
    for (const nostr::TagFilter& tf : f.tags) {
        bool found = false;
        r.for_each_tag([&](char letter, std::string_view v) {
            found = letter == tf.name && std::binary_search(tf.values.begin(), tf.values.end(), v);
            return !found;
        });
        if (!found) return false;
    }
    return true;
}

}  // namespace wsn::store::lmdb
