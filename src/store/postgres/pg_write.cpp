// The write path of the PostgreSQL store: each chunk of a batch is one transaction,
// sent as one libpq pipeline (BEGIN, the authors' locks, one wsn_put per event, the
// NOTIFY, COMMIT) and so one round trip; the rules themselves run in wsn_put
// (schema.cpp), in batch order, each event seeing the ones before it.
#include <algorithm>
#include <limits>
#include <set>

#include "nostr/filter.hpp"
#include "nostr/nip09.hpp"
#include "nostr/nip40.hpp"
#include "store/postgres/pg_store.hpp"
#include "store/postgres/schema.hpp"
#include "util/hex.hpp"

namespace wsn::store::pg {

namespace {

// Events per transaction: each distinct author takes one advisory lock, and the
// server's lock table is shared (max_locks_per_transaction x max_connections).
constexpr size_t kChunk = 500;

constexpr const char* kPut = "wsn_put";
constexpr const char* kPutSql = "SELECT wsn_put($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";
constexpr const char* kLock = "wsn_lock";
constexpr const char* kLockSql = "SELECT wsn_lock_authors($1)";

std::string raw(std::span<const uint8_t> b) { return std::string(reinterpret_cast<const char*>(b.data()), b.size()); }

int32_t author_key(const crypto::XOnlyPubkey& pk) {
    return int32_t(uint32_t(pk.bytes[0]) << 24 | uint32_t(pk.bytes[1]) << 16 | uint32_t(pk.bytes[2]) << 8 |
                   pk.bytes[3]);
}

// The address of a replaceable (d = "") or addressable event, as wsn_events.slot.
std::string slot_of(uint16_t kind, std::string_view d) {
    return schema::value_key(nostr::is_addressable(kind) ? d : std::string_view{});
}

// wsn_put's parameters for one event, in its order.
Params put_params(const WriteItem& item, int64_t now) {
    const nostr::Event& e = item.event();
    Params p;
    p.bytea(e.id);
    p.bytea(e.pubkey.bytes);
    p.int8(e.created_at);
    p.int4(e.kind);
    if (nostr::is_replaceable(e.kind) || nostr::is_addressable(e.kind)) p.bytea(slot_of(e.kind, nostr::d_tag(e)));
    else p.null_bytea();
    if (auto exp = nostr::expiration(e)) p.int8(int64_t(std::min<uint64_t>(*exp, std::numeric_limits<int64_t>::max())));
    else p.null_int8();
    p.int8(now);
    std::vector<std::string> names, values;
    std::set<std::pair<char, std::string>> seen;  // the index holds each value once per event
    for (const nostr::Tag& t : e.tags) {
        if (!nostr::is_filterable_tag(t)) continue;
        if (!seen.insert({t[0][0], schema::value_key(t[1])}).second) continue;
        names.push_back(t[0]);
        values.push_back(schema::value_key(t[1]));
    }
    p.text_array(names);
    p.bytea_array(values);
    p.text(item.json());
    std::vector<std::string> del_ids, del_slots;
    std::vector<int32_t> del_kinds;
    if (e.kind == 5) {
        for (const nostr::Tag& t : e.tags) {
            if (t.size() < 2) continue;
            if (t[0] == "e") {
                if (auto id = from_hex_fixed<32>(t[1], true)) del_ids.push_back(raw(*id));
            } else if (t[0] == "a") {
                auto c = nostr::parse_coordinate(t[1]);
                if (!c || c->pubkey != e.pubkey) continue;
                if (!nostr::is_replaceable(c->kind) && !nostr::is_addressable(c->kind)) continue;
                del_kinds.push_back(c->kind);
                del_slots.push_back(slot_of(c->kind, c->d));
            }
        }
    }
    p.bytea_array(del_ids);
    p.int4_array(del_kinds);
    p.bytea_array(del_slots);
    return p;
}

void send(Conn& c, const char* sql) {
    if (!PQsendQueryParams(c.get(), sql, 0, nullptr, nullptr, nullptr, nullptr, 0)) c.fail(nullptr, "send");
}

void send_prepared(Conn& c, const char* name, Params& p) {
    if (!PQsendQueryPrepared(c.get(), name, p.size(), p.values(), p.lengths(), p.formats(), 0)) c.fail(nullptr, "send");
}

// The next result of the pipeline; throws on failure.
PgResult next_result(Conn& c, const char* what) {
    PgResult r(c.next_result(what));
    if (!r.get()) c.fail(nullptr, what);
    if (!Conn::ok(r.get())) c.fail(r.get(), what);
    PgResult end(c.next_result(what));  // each statement's results end with a null
    return r;
}

// Writes items as one transaction; appends their outcomes to out.
void write_chunk(Conn& c, std::span<const WriteItem> items, int64_t now, std::vector<WriteOutcome>& out) {
    std::vector<int32_t> authors;
    for (const WriteItem& it : items) authors.push_back(author_key(it.event().pubkey));
    std::sort(authors.begin(), authors.end());
    authors.erase(std::unique(authors.begin(), authors.end()), authors.end());
    Params locks;
    locks.int4_array(authors);
    std::vector<Params> puts;
    puts.reserve(items.size());
    for (const WriteItem& it : items) puts.push_back(put_params(it, now));

    // On a failure the pipeline is left half read: PgStore::on_writer drops the connection.
    if (!PQenterPipelineMode(c.get())) c.fail(nullptr, "pipeline mode");
    send(c, "BEGIN");
    send_prepared(c, kLock, locks);
    for (Params& p : puts) send_prepared(c, kPut, p);
    send(c, "SELECT pg_notify('wsn_events', '')");  // delivered at commit
    send(c, "COMMIT");
    if (!PQpipelineSync(c.get())) c.fail(nullptr, "pipeline sync");

    next_result(c, "begin");
    next_result(c, "lock authors");
    std::vector<WriteOutcome> outcomes;
    for (size_t i = 0; i < items.size(); ++i) {
        PgResult r = next_result(c, "write event");
        int64_t code = r.int8(0, 0);
        if (code < 0 || code > int64_t(WriteOutcome::expired)) throw DbError("store: wsn_put returned " + std::to_string(code));
        outcomes.push_back(WriteOutcome(code));
    }
    next_result(c, "notify");
    next_result(c, "commit");
    PgResult sync(c.next_result("pipeline sync"));
    if (PQresultStatus(sync.get()) != PGRES_PIPELINE_SYNC) c.fail(sync.get(), "pipeline sync");
    if (!PQexitPipelineMode(c.get())) c.fail(nullptr, "pipeline mode");
    out.insert(out.end(), outcomes.begin(), outcomes.end());
}

}  // namespace

Result<std::vector<WriteOutcome>> PgStore::write(std::span<const WriteItem> batch, int64_t now) {
    return on_writer([&](Conn& c) {
        c.prepare(kPut, kPutSql, 13);
        c.prepare(kLock, kLockSql, 1);
        std::vector<WriteOutcome> out;
        out.reserve(batch.size());
        for (size_t at = 0; at < batch.size(); at += kChunk)
            write_chunk(c, batch.subspan(at, std::min(kChunk, batch.size() - at)), now, out);
        // Where a replica must have replayed to for this frontend's next read (pg_store.hpp).
        if (replica_) last_write_lsn_.store(parse_lsn(c.query("SELECT pg_current_wal_insert_lsn()").text(0, 0)));
        return out;
    });
}

}  // namespace wsn::store::pg
