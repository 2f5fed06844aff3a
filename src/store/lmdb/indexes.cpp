// The index entries of one event, listed once and used both to add and to
// remove it, so no index can be forgotten on either side.
#include <atomic>

#include "store/lmdb/db.hpp"
#include "store/lmdb/schema.hpp"

namespace wsn::store::lmdb {

namespace {

// Calls f(dbi, key, value) for every index entry of the event. Entries with a
// value (id, replace) are slots that a newer event may have taken over.
template <class F>
void for_each_index_entry(const Dbs& dbs, const RecordView& r, uint64_t seq, F&& f) {
    using namespace schema;
    std::string seq_bytes = seq_key(seq);
    f(dbs.id, std::string(reinterpret_cast<const char*>(r.id.data()), r.id.size()), std::string_view(seq_bytes));
    f(dbs.created_at, with_position({}, r.created_at, seq), std::string_view{});
    f(dbs.pubkey, with_position(pubkey_prefix(r.pubkey), r.created_at, seq), std::string_view{});
    f(dbs.kind, with_position(kind_prefix(r.kind), r.created_at, seq), std::string_view{});
    f(dbs.pubkey_kind, with_position(pubkey_kind_prefix(r.pubkey, r.kind), r.created_at, seq), std::string_view{});
    r.for_each_tag([&](char letter, std::string_view value) {
        f(dbs.tag, with_position(tag_prefix(letter, value), r.created_at, seq), std::string_view{});
        return true;
    });
    if (nostr::is_replaceable(r.kind) || nostr::is_addressable(r.kind))
        f(dbs.replace, replace_key(r.pubkey, r.kind, r.d_tag()), std::string_view(seq_bytes));
    if (r.expires_at != 0) f(dbs.expiration, expiration_key(r.expires_at, seq), std::string_view{});
}

}  // namespace

uint64_t next_txn_serial() {
    static std::atomic<uint64_t> serial{0};
    return ++serial;
}

std::optional<RecordView> load_record(MDB_txn* txn, const Dbs& dbs, uint64_t seq) {
    auto v = lmdb::get(txn, dbs.events, schema::seq_key(seq));
    if (!v) return std::nullopt;
    return decode_record(*v);
}

void insert_event(MDB_txn* txn, const Dbs& dbs, uint64_t seq, std::string_view record) {
    auto r = decode_record(record);
    if (!r) throw lmdb::DbError("store: malformed record");  // encode_record made it: a bug
    lmdb::put(txn, dbs.events, schema::seq_key(seq), record);
    for_each_index_entry(dbs, *r, seq, [&](MDB_dbi dbi, const std::string& key, std::string_view value) {
        lmdb::put(txn, dbi, key, value);
    });
}

bool remove_event(MDB_txn* txn, const Dbs& dbs, uint64_t seq) {
    auto v = lmdb::get(txn, dbs.events, schema::seq_key(seq));
    if (!v) return false;
    // Copy: deleting entries may move the page the record lives on.
    std::string bytes(*v);
    auto r = decode_record(bytes);
    if (!r) throw lmdb::DbError("store: damaged record " + std::to_string(seq));
    for_each_index_entry(dbs, *r, seq, [&](MDB_dbi dbi, const std::string& key, std::string_view value) {
        if (!value.empty()) {
            auto current = lmdb::get(txn, dbi, key);
            if (!current || *current != value) return;  // the slot belongs to another event
        }
        lmdb::del(txn, dbi, key);  // absent after a repeated tag: fine
    });
    lmdb::del(txn, dbs.events, schema::seq_key(seq));
    return true;
}

}  // namespace wsn::store::lmdb

namespace wsn::store::lmdb {

std::vector<uint64_t> expired_seqs(MDB_txn* txn, const Dbs& dbs, int64_t now, uint64_t max) {
    std::vector<uint64_t> seqs;
    if (now < 0) return seqs;
    lmdb::Cursor c(txn, dbs.expiration);
    MDB_val k, d;
    for (bool more = c.get(k, d, MDB_FIRST); more && seqs.size() < max; more = c.get(k, d, MDB_NEXT)) {
        if (k.mv_size != 16) continue;
        const auto* p = static_cast<const uint8_t*>(k.mv_data);
        if (schema::get_u64(p) > uint64_t(now)) break;
        seqs.push_back(schema::get_u64(p + 8));
    }
    return seqs;
}

}  // namespace wsn::store::lmdb
