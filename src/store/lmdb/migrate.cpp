// Schema migrations (see migrate.hpp).
#include "store/lmdb/migrate.hpp"

#include <string>
#include <utility>
#include <vector>

#include "nostr/parser.hpp"
#include "store/lmdb/schema.hpp"

namespace wsn::store::lmdb {

namespace {

constexpr uint32_t kCompactVersion = 2;
static_assert(schema::kVersion == kCompactVersion, "a newer schema needs its own step after this one");

// Per write transaction: bounded in records and in bytes held for rewriting.
constexpr size_t kBatchRecords = 10000;
constexpr size_t kBatchBytes = 64 << 20;

Error unreadable(uint64_t seq, const std::string& why) {
    return err("store: migrating to schema version 2: the stored event seq " + std::to_string(seq) + " " + why +
               "; the database is still version 1, which the previous wsn opens: delete that event with it "
               "(wsn delete), or restore a backup, then open again");
}

}  // namespace

Result<uint64_t> migrate_to_compact_json(MDB_env* env, const Dbs& dbs) {
    nostr::Parser parser(nostr::stored_event_limits());
    uint64_t rewritten = 0;
    std::string last_key;  // the batch after this one starts past it
    for (bool done = false; !done;) {
        lmdb::Txn txn(env, false);
        std::vector<std::pair<std::string, std::string>> updates;
        size_t bytes = 0;
        {
            lmdb::Cursor cur(txn.get(), dbs.events);
            MDB_val k = lmdb::val(last_key), d;
            bool more = last_key.empty() ? cur.get(k, d, MDB_FIRST) : cur.get(k, d, MDB_SET_RANGE);
            if (more && lmdb::view(k) == last_key) more = cur.get(k, d, MDB_NEXT);
            for (size_t n = 0; more && n < kBatchRecords && bytes < kBatchBytes; ++n) {
                std::string_view key = lmdb::view(k), value = lmdb::view(d);
                uint64_t seq = key.size() == 8 ? schema::get_u64(reinterpret_cast<const uint8_t*>(key.data())) : 0;
                auto r = decode_record(value);
                if (!r) return unreadable(seq, "is damaged (its record does not decode)");
                auto e = parser.parse_event(r->json);
                if (!e) return unreadable(seq, "does not parse (" + e.error().message + ")");
                if (e->id != r->id) return unreadable(seq, "has JSON for another id");
                std::string json = nostr::to_json(*e);
                if (json != r->json) {
                    std::string record(value.substr(0, value.size() - r->json.size()));
                    record += json;
                    bytes += record.size();
                    updates.emplace_back(key, std::move(record));
                }
                last_key = key;
                more = cur.get(k, d, MDB_NEXT);
            }
            done = !more;
        }
        for (const auto& [key, record] : updates) lmdb::put(txn.get(), dbs.events, key, record);
        rewritten += updates.size();
        if (done) {
            std::string v;
            schema::put_u32(v, kCompactVersion);
            lmdb::put(txn.get(), dbs.meta, schema::kMetaVersion, v);
        }
        txn.commit();
    }
    return rewritten;
}

}  // namespace wsn::store::lmdb
