// LmdbStore: opening the environment, the write path (duplicates, replaceable and
// addressable slots, NIP-09 deletions, NIP-40 expiration), and the operator's
// erase and purge. Queries are in query.cpp, index bookkeeping in indexes.cpp.
#include "store/lmdb/lmdb_store.hpp"

#include <cassert>
#include <cerrno>
#include <charconv>
#include <limits>

#include "nostr/nip09.hpp"
#include "nostr/nip40.hpp"
#include "nostr/limits.hpp"
#include "store/lmdb/db.hpp"
#include "store/lmdb/migrate.hpp"
#include "store/lmdb/schema.hpp"
#include "util/hex.hpp"

namespace wsn::store::lmdb {

ReadTxn::ReadTxn(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ReadTxn::~ReadTxn() = default;
ReadTxn::ReadTxn(ReadTxn&&) noexcept = default;
ReadTxn& ReadTxn::operator=(ReadTxn&&) noexcept = default;

struct LmdbStore::Impl {
    lmdb::Env env;
    Dbs dbs{};
};

namespace {

std::string_view bytes_view(std::span<const uint8_t> b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

std::optional<uint64_t> seq_at(MDB_txn* txn, MDB_dbi dbi, std::string_view key) {
    auto v = lmdb::get(txn, dbi, key);
    if (!v || v->size() != 8) return std::nullopt;
    return schema::get_u64(reinterpret_cast<const uint8_t*>(v->data()));
}

// The write rules, applied to one item at a time inside the batch's transaction.
class Writer {
public:
    Writer(MDB_txn* txn, const Dbs& dbs, uint64_t next_seq, int64_t now)
        : txn_(txn), dbs_(dbs), next_seq_(next_seq), now_(now) {}

    uint64_t next_seq() const { return next_seq_; }

    WriteOutcome add(const WriteItem& item) {
        const nostr::Event& e = item.event();
        assert(!nostr::is_ephemeral(e.kind));
        assert(e.created_at >= 0 && e.created_at <= nostr::kMaxCreatedAt);  // the parser's bound
        if (lmdb::get(txn_, dbs_.id, bytes_view(e.id))) return WriteOutcome::duplicate;
        auto expires_at = nostr::expiration(e);
        if (expires_at && int64_t(std::min<uint64_t>(*expires_at, INT64_MAX)) <= now_) return WriteOutcome::expired;
        // A deletion request naming a deletion request has no effect (NIP-09).
        if (e.kind != 5 && lmdb::get(txn_, dbs_.deleted_id, schema::deleted_id_key(e.id, e.pubkey)))
            return WriteOutcome::deleted;
        if (nostr::is_replaceable(e.kind) || nostr::is_addressable(e.kind)) {
            std::string_view d = nostr::d_tag(e);
            auto deleted_at = lmdb::get(txn_, dbs_.deleted_addr, schema::deleted_addr_key(e.kind, e.pubkey, d));
            if (deleted_at && deleted_at->size() == 4 &&
                e.created_at <= schema::get_u32(reinterpret_cast<const uint8_t*>(deleted_at->data())))
                return WriteOutcome::deleted;
            if (auto old = seq_at(txn_, dbs_.replace, schema::replace_key(e.pubkey, e.kind, d))) {
                if (auto r = load_record(txn_, dbs_, *old)) {
                    // Keep the newest; on a tie the lowest id (NIP-01).
                    if (r->created_at > e.created_at || (r->created_at == e.created_at && r->id < e.id))
                        return WriteOutcome::replaced_by_newer;
                }
                remove_event(txn_, dbs_, *old);
            }
        }
        insert_event(txn_, dbs_, next_seq_++, encode_record(e, expires_at.value_or(0), item.json()));
        if (e.kind == 5) apply_deletion(e);
        return WriteOutcome::stored;
    }

private:
    // NIP-09: remove the author's own events named by e and a tags, and remember
    // them so they are refused if sent again. Deletion requests are never deleted.
    void apply_deletion(const nostr::Event& del) {
        for (const nostr::Tag& t : del.tags) {
            if (t.size() < 2) continue;
            if (t[0] == "e") {
                auto id = from_hex_fixed<32>(t[1], true);
                if (!id) continue;
                lmdb::put(txn_, dbs_.deleted_id, schema::deleted_id_key(*id, del.pubkey), {});
                auto seq = seq_at(txn_, dbs_.id, bytes_view(*id));
                if (!seq) continue;
                auto r = load_record(txn_, dbs_, *seq);
                if (r && r->pubkey == del.pubkey && r->kind != 5) remove_event(txn_, dbs_, *seq);
            } else if (t[0] == "a") {
                auto c = nostr::parse_coordinate(t[1]);
                if (!c || c->pubkey != del.pubkey) continue;
                if (!nostr::is_replaceable(c->kind) && !nostr::is_addressable(c->kind)) continue;
                delete_address(*c, uint32_t(del.created_at));
            }
        }
    }

    // Deletes the versions of an address up to `until` and refuses older ones later.
    void delete_address(const nostr::Coordinate& c, uint32_t until) {
        std::string key = schema::deleted_addr_key(c.kind, c.pubkey, c.d);
        auto prev = lmdb::get(txn_, dbs_.deleted_addr, key);
        if (!prev || prev->size() != 4 || schema::get_u32(reinterpret_cast<const uint8_t*>(prev->data())) < until) {
            std::string v;
            schema::put_u32(v, until);
            lmdb::put(txn_, dbs_.deleted_addr, key, v);
        }
        auto seq = seq_at(txn_, dbs_.replace, schema::replace_key(c.pubkey, c.kind, c.d));
        if (!seq) return;
        auto r = load_record(txn_, dbs_, *seq);
        if (r && r->created_at <= until) remove_event(txn_, dbs_, *seq);
    }

    MDB_txn* txn_;
    const Dbs& dbs_;
    uint64_t next_seq_;
    int64_t now_;
};

// The interface's Query: an IndexQuery on a snapshot taken when the query is made
// (so that every step reads the same state) or, after release(), at the next step.
class LmdbQuery final : public Query {
public:
    LmdbQuery(const LmdbStore& store, IndexQuery q) : store_(store), txn_(store.begin_read()), q_(std::move(q)) {}
    bool step(uint64_t budget, const Emit& emit) override {
        if (!txn_) txn_.emplace(store_.begin_read());
        return q_.step(*txn_, budget, emit);
    }
    void release() override { txn_.reset(); }

private:
    const LmdbStore& store_;
    std::optional<ReadTxn> txn_;
    IndexQuery q_;
};

// The interface's Count: IndexQuery::for_count on the snapshot it was made on, or after
// release() the next step's (the expired events skipped are those of the first).
class LmdbCount final : public Count {
public:
    LmdbCount(const LmdbStore& store, std::vector<nostr::Filter> filters, int64_t now)
        : store_(store), txn_(store.begin_read()), q_(IndexQuery::for_count(std::move(filters), *txn_, now)) {}
    bool step(uint64_t budget) override {
        if (!txn_) txn_.emplace(store_.begin_read());
        return q_.step(*txn_, budget, [&](const StoredEvent&) { ++n_; });
    }
    void release() override { txn_.reset(); }
    uint64_t total() const override { return n_; }

private:
    const LmdbStore& store_;
    std::optional<ReadTxn> txn_;
    IndexQuery q_;
    uint64_t n_ = 0;
};

// The interface's IdScan: the REQ query without limits, on one snapshot, keeping each
// match's created_at and the id from its record (the JSON is never copied or parsed).
class LmdbIdScan final : public IdScan {
public:
    LmdbIdScan(const LmdbStore& store, std::vector<nostr::Filter> filters, uint64_t max_items, int64_t now)
        : txn_(store.begin_read()),
          q_(unlimited(std::move(filters)), max_items == UINT64_MAX ? max_items : max_items + 1, now),
          max_(max_items) {}
    bool step(uint64_t budget, std::vector<IdItem>& out) override {
        if (found_ > max_) return true;
        bool done = q_.step(txn_, budget, [&](const StoredEvent& e) {
            ++found_;
            out.push_back(IdItem{e.created_at, e.id});
        });
        return done || found_ > max_;
    }

private:
    static std::vector<nostr::Filter> unlimited(std::vector<nostr::Filter> filters) {
        for (auto& f : filters) f.limit.reset();
        return filters;
    }
    ReadTxn txn_;
    IndexQuery q_;
    uint64_t max_;
    uint64_t found_ = 0;
};

// Read in each write transaction rather than cached, so another process (the
// operator's command line) may write to the same store.
uint64_t get_next_seq(MDB_txn* txn, const Dbs& dbs) {
    auto v = lmdb::get(txn, dbs.meta, schema::kMetaNextSeq);
    return v && v->size() == 8 ? schema::get_u64(reinterpret_cast<const uint8_t*>(v->data())) : 1;
}

void put_next_seq(MDB_txn* txn, const Dbs& dbs, uint64_t next_seq) {
    std::string v;
    schema::put_u64(v, next_seq);
    lmdb::put(txn, dbs.meta, schema::kMetaNextSeq, v);
}

}  // namespace

LmdbStore::LmdbStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LmdbStore::~LmdbStore() = default;

Result<std::unique_ptr<LmdbStore>> LmdbStore::open(const LmdbOptions& opts) {
    try {
        auto impl = std::make_unique<Impl>();
        // MDB_NOTLS: a read transaction belongs to its ReadTxn, not to a thread.
        unsigned flags = MDB_NOTLS | (opts.sync ? 0 : MDB_NOSYNC);
        impl->env = lmdb::Env::open(opts.dir, opts.map_size, schema::kDatabaseCount, opts.max_readers, flags);
        lmdb::Txn txn(impl->env.get(), false);
        Dbs& d = impl->dbs;
        const std::pair<MDB_dbi*, const char*> names[] = {
#define WSN_LMDB_OPEN(name) {&d.name, #name},
            WSN_LMDB_DATABASES(WSN_LMDB_OPEN)
#undef WSN_LMDB_OPEN
        };
        for (auto [dbi, name] : names) lmdb::check(mdb_dbi_open(txn.get(), name, MDB_CREATE, dbi), name);

        auto version = lmdb::get(txn.get(), d.meta, schema::kMetaVersion);
        uint32_t found = schema::kVersion;
        if (!version) {
            std::string v;
            schema::put_u32(v, schema::kVersion);
            lmdb::put(txn.get(), d.meta, schema::kMetaVersion, v);
        } else {
            found = version->size() == 4 ? schema::get_u32(reinterpret_cast<const uint8_t*>(version->data())) : 0;
            if (found != schema::kVersion && found != 1)
                return err("store: " + opts.dir + " has schema version " + std::to_string(found) + ", this build reads " +
                           std::to_string(schema::kVersion));
        }
        txn.commit();
        if (found == 1)
            if (auto m = migrate_to_compact_json(impl->env.get(), d); !m) return m.error();
        return std::unique_ptr<LmdbStore>(new LmdbStore(std::move(impl)));
    } catch (const DbError& e) {
        return err(e.what());
    }
}

Result<std::vector<WriteOutcome>> LmdbStore::write(std::span<const WriteItem> batch, int64_t now) {
    try {
        lmdb::Txn txn(impl_->env.get(), false);
        Writer w(txn.get(), impl_->dbs, get_next_seq(txn.get(), impl_->dbs), now);
        std::vector<WriteOutcome> out;
        out.reserve(batch.size());
        const uint64_t first_seq = w.next_seq();
        for (const WriteItem& item : batch) out.push_back(w.add(item));
        if (w.next_seq() != first_seq) put_next_seq(txn.get(), impl_->dbs, w.next_seq());
        txn.commit();  // durable on return when Options::sync
        return out;
    } catch (const DbError& e) {
        if (e.code == MDB_MAP_FULL || e.code == ENOSPC || e.code == EDQUOT)
            return err(std::string(kStorageFullPrefix) + e.what());
        return err(e.what());
    }
}

ReadTxn LmdbStore::begin_read() const {
    auto impl = std::make_unique<ReadTxn::Impl>();
    impl->dbs = &impl_->dbs;
    impl->serial = next_txn_serial();
    impl->owned.emplace(impl_->env.get(), true);
    impl->txn = impl->owned->get();
    return ReadTxn(std::move(impl));
}

std::unique_ptr<Query> LmdbStore::query(std::vector<nostr::Filter> filters, uint64_t max_limit, int64_t now) const {
    return std::make_unique<LmdbQuery>(*this, IndexQuery(std::move(filters), max_limit, now));
}

std::unique_ptr<Count> LmdbStore::count(std::vector<nostr::Filter> filters, int64_t now) const {
    return std::make_unique<LmdbCount>(*this, std::move(filters), now);
}

std::unique_ptr<IdScan> LmdbStore::scan_ids(std::vector<nostr::Filter> filters, uint64_t max_items,
                                            int64_t now) const {
    return std::make_unique<LmdbIdScan>(*this, std::move(filters), max_items, now);
}

Result<uint64_t> LmdbStore::erase(const nostr::Filter& filter) {
    try {
        lmdb::Txn txn(impl_->env.get(), false);
        std::vector<uint64_t> seqs;
        {
            nostr::Filter f = filter;
            f.limit.reset();
            // A ReadTxn over the write transaction, so a Query can run in it.
            auto state = std::make_unique<ReadTxn::Impl>();
            state->txn = txn.get();
            state->dbs = &impl_->dbs;
            state->serial = next_txn_serial();
            ReadTxn view(std::move(state));
            IndexQuery q({std::move(f)}, std::numeric_limits<uint64_t>::max(), 0);  // now 0: expired ones too
            q.step(view, std::numeric_limits<uint64_t>::max(), [&](const StoredEvent& e) { seqs.push_back(e.seq); });
        }
        for (uint64_t seq : seqs) remove_event(txn.get(), impl_->dbs, seq);
        txn.commit();
        return uint64_t(seqs.size());
    } catch (const DbError& e) {
        return err(e.what());
    }
}

Result<uint64_t> LmdbStore::purge_expired(int64_t now, uint64_t max_events) {
    try {
        lmdb::Txn txn(impl_->env.get(), false);
        std::vector<uint64_t> seqs = expired_seqs(txn.get(), impl_->dbs, now, max_events);
        uint64_t n = 0;
        for (uint64_t seq : seqs) n += remove_event(txn.get(), impl_->dbs, seq);
        txn.commit();
        return n;
    } catch (const DbError& e) {
        return err(e.what());
    }
}

uint64_t LmdbStore::event_count() const {
    ReadTxn txn = begin_read();
    return lmdb::entries(txn.impl_->txn, impl_->dbs.events);
}

Result<std::string> LmdbStore::setting(std::string_view name) const {
    try {
        lmdb::Txn txn(impl_->env.get(), true);
        return std::string(lmdb::get(txn.get(), impl_->dbs.meta, schema::setting_key(name)).value_or(""));
    } catch (const DbError& e) {
        return err(e.what());
    }
}

Status LmdbStore::put_setting(std::string_view name, std::string_view value) {
    try {
        lmdb::Txn txn(impl_->env.get(), false);  // waits for the writer's transaction, if one is open
        lmdb::put(txn.get(), impl_->dbs.meta, schema::setting_key(name), value);
        txn.commit();
        return Ok{};
    } catch (const DbError& e) {
        return err(e.what());
    }
}

}  // namespace wsn::store::lmdb
