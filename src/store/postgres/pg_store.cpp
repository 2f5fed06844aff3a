// PgStore: opening (connect, migrate), the writer's connection, the operator's erase
// and the purge, ephemeral events, and where reads go. The write path is in
// pg_write.cpp, queries in pg_query.cpp, the live feed in feed.cpp.
#include "store/postgres/pg_store.hpp"

#include <algorithm>
#include <limits>

#include "store/postgres/feed.hpp"
#include "store/postgres/filter_sql.hpp"
#include "store/postgres/schema.hpp"

namespace wsn::store::pg {

PgStore::PgStore(const PostgresOptions& opts) : opts_(opts), primary_(opts.url, opts.pool_size, opts.timeout) {
    if (!opts.read_url.empty()) replica_ = std::make_unique<Pool>(opts.read_url, opts.pool_size, opts.timeout);
}

PgStore::~PgStore() = default;

Result<std::unique_ptr<PgStore>> PgStore::open(const PostgresOptions& opts) {
    if (opts.url.empty()) return err("store: no PostgreSQL URL");
    std::unique_ptr<PgStore> s(new PgStore(opts));
    try {
        s->writer_ = Conn::connect(opts.url, opts.timeout);
        schema::migrate(*s->writer_);
    } catch (const DbError& e) {
        return err(e.what());
    }
    return s;
}

Conn& PgStore::writer() {
    if (!writer_ || writer_->broken()) {
        writer_.reset();
        // While the server is away, fail at once for a second after each attempt rather
        // than make every write wait for a connect.
        auto now = std::chrono::steady_clock::now();
        if (now < writer_retry_after_) throw Unavailable(writer_last_failure_);
        try {
            writer_ = Conn::connect(opts_.url, opts_.timeout);
        } catch (const DbError& e) {
            writer_retry_after_ = now + std::chrono::seconds(1);
            writer_last_failure_ = e.what();
            throw;
        }
    }
    return *writer_;
}

Result<uint64_t> PgStore::erase(const nostr::Filter& filter) {
    return on_writer([&](Conn& c) -> uint64_t {
        Params p;
        std::string doomed = seqs_sql(filter, p);
        PgResult r = c.query("WITH doomed AS (" + doomed +
                                 "), t AS (DELETE FROM wsn_tags WHERE seq IN (SELECT seq FROM doomed)) "
                                 "DELETE FROM wsn_events WHERE seq IN (SELECT seq FROM doomed)",
                             p);
        return std::stoull(PQcmdTuples(r.get()));
    });
}

Result<uint64_t> PgStore::purge_expired(int64_t now, uint64_t max_events) {
    return on_writer([&](Conn& c) -> uint64_t {
        // One frontend at a time: the others would only wait for its row locks.
        c.exec("BEGIN");
        PgResult got = c.query(("SELECT pg_try_advisory_xact_lock(" + std::to_string(schema::kLockClassPurge) + ", 0)").c_str());
        if (got.text(0, 0) != "t") {
            c.exec("COMMIT");
            return 0;
        }
        Params p;
        int at = p.int8(now);
        int max = p.int8(int64_t(std::min<uint64_t>(max_events, std::numeric_limits<int64_t>::max())));
        PgResult r = c.query("WITH doomed AS (SELECT seq FROM wsn_events WHERE expires_at <= $" + std::to_string(at) +
                                 " ORDER BY expires_at LIMIT $" + std::to_string(max) +
                                 "), t AS (DELETE FROM wsn_tags WHERE seq IN (SELECT seq FROM doomed)) "
                                 "DELETE FROM wsn_events WHERE seq IN (SELECT seq FROM doomed)",
                             p);
        c.exec("DELETE FROM wsn_ephemeral WHERE at < now() - interval '1 minute'");
        c.exec("COMMIT");
        return std::stoull(PQcmdTuples(r.get()));
    });
}

uint64_t PgStore::event_count() const {
    auto c = primary_.acquire();
    return uint64_t(c->query("SELECT count(*) FROM wsn_events").int8(0, 0));
}

// Settings share wsn_meta with the schema version, under "setting:" names.
Result<std::string> PgStore::setting(std::string_view name) const {
    try {
        auto c = primary_.acquire();
        Params p;
        const int key = p.text("setting:" + std::string(name));
        PgResult r = c->query("SELECT value FROM wsn_meta WHERE key = $" + std::to_string(key), p);
        return r.rows() ? std::string(r.text(0, 0)) : std::string();
    } catch (const DbError& e) {
        return err(e.what());
    }
}

Status PgStore::put_setting(std::string_view name, std::string_view value) {
    auto r = on_writer([&](Conn& c) -> Ok {
        Params p;
        const int key = p.text("setting:" + std::string(name)), val = p.text(value);
        c.query("INSERT INTO wsn_meta VALUES ($" + std::to_string(key) + ", $" + std::to_string(val) +
                    ") ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                p);
        return Ok{};
    });
    if (!r) return r.error();
    return Ok{};
}

Status PgStore::publish(std::span<const std::string> ephemeral_json) {
    auto r = on_writer([&](Conn& c) -> Ok {
        c.exec("BEGIN");
        for (const std::string& json : ephemeral_json) {
            Params p;
            p.text(schema::kChannelEphemeral);
            p.text(json);
            // Past the payload limit the event waits in a table row that the payload names.
            c.query(json.size() <= schema::kMaxNotifyPayload
                        ? "SELECT pg_notify($1, $2)"
                        : "WITH r AS (INSERT INTO wsn_ephemeral (json) VALUES ($2) RETURNING id) "
                          "SELECT pg_notify($1, '#' || id) FROM r",
                    p);
        }
        c.exec("COMMIT");
        return Ok{};
    });
    if (!r) return r.error();
    return Ok{};
}

std::unique_ptr<Feed> PgStore::feed() { return std::make_unique<PgFeed>(opts_.url, opts_.timeout, replica_ ? &feed_lsn_ : nullptr); }

Pool::Lease PgStore::read_conn(bool for_req) const {
    if (!replica_) return primary_.acquire();
    uint64_t need = std::max(last_write_lsn_.load(), for_req ? feed_lsn_.load() : 0);
    try {
        auto r = replica_->acquire();
        if (replica_lsn_.load() >= need) return r;
        uint64_t replayed = parse_lsn(r->query("SELECT coalesce(pg_last_wal_replay_lsn(), pg_current_wal_lsn())").text(0, 0));
        replica_lsn_.store(replayed);
        if (replayed >= need) return r;
    } catch (const Unavailable&) {
        // the primary still answers
    }
    return primary_.acquire();
}

}  // namespace wsn::store::pg
