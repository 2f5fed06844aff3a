// The schema's SQL (layout in schema.hpp) and the migration runner.
#include "store/postgres/schema.hpp"

#include <string>
#include <vector>

#include "crypto/hash.hpp"

namespace wsn::store::pg::schema {

namespace {

std::string lock_authors_sql() {
    return R"(
CREATE FUNCTION wsn_lock_authors(keys integer[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE k integer;
BEGIN
  -- Every rule of the write path (duplicates, slots, deletions) concerns one author's
  -- events only, so a transaction-long lock per author, taken in sorted order (no
  -- deadlock), serializes exactly the writes that could race between frontends.
  FOREACH k IN ARRAY keys LOOP PERFORM pg_advisory_xact_lock()" +
           std::to_string(kLockClassAuthor) + R"(, k); END LOOP;
END $$;
)";
}

// Version 1: everything. Later versions append their own script to kMigrations.
std::string v1() {
    return R"(
CREATE SEQUENCE wsn_event_seq;

-- The transaction's id is taken before the number, so a feed reader that sees seq N
-- committed while N-1 is not yet visible knows the holder of N-1 has an xid below the
-- snapshot's xmax, and may stop waiting for N-1 once the oldest running xid passes it
-- (see feed.cpp).
CREATE FUNCTION wsn_next_seq() RETURNS bigint LANGUAGE sql VOLATILE AS $$
  SELECT CASE WHEN pg_current_xact_id() IS NOT NULL THEN nextval('wsn_event_seq') END
$$;

CREATE TABLE wsn_events (
  seq bigint PRIMARY KEY DEFAULT wsn_next_seq(),
  id bytea NOT NULL,
  pubkey bytea NOT NULL,
  created_at bigint NOT NULL,
  kind integer NOT NULL,
  slot bytea,
  expires_at bigint,
  json text NOT NULL
);
CREATE UNIQUE INDEX wsn_events_id ON wsn_events (id);
CREATE INDEX wsn_events_created ON wsn_events (created_at, seq);
CREATE INDEX wsn_events_pubkey ON wsn_events (pubkey, created_at, seq);
CREATE INDEX wsn_events_kind ON wsn_events (kind, created_at, seq);
CREATE INDEX wsn_events_pubkey_kind ON wsn_events (pubkey, kind, created_at, seq);
CREATE UNIQUE INDEX wsn_events_slot ON wsn_events (pubkey, kind, slot) WHERE slot IS NOT NULL;
CREATE INDEX wsn_events_expires ON wsn_events (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE wsn_tags (
  seq bigint NOT NULL,
  name text NOT NULL,
  value bytea NOT NULL,
  created_at bigint NOT NULL
);
CREATE INDEX wsn_tags_value ON wsn_tags (name, value, created_at, seq);
CREATE INDEX wsn_tags_seq ON wsn_tags (seq);

CREATE TABLE wsn_deleted_ids (
  id bytea NOT NULL,
  pubkey bytea NOT NULL,
  PRIMARY KEY (id, pubkey)
);
CREATE TABLE wsn_deleted_addrs (
  kind integer NOT NULL,
  pubkey bytea NOT NULL,
  slot bytea NOT NULL,
  until bigint NOT NULL,
  PRIMARY KEY (kind, pubkey, slot)
);
CREATE TABLE wsn_ephemeral (
  id bigserial PRIMARY KEY,
  json text NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION wsn_remove(p_seq bigint) RETURNS void LANGUAGE sql AS $$
  DELETE FROM wsn_tags WHERE seq = p_seq;
  DELETE FROM wsn_events WHERE seq = p_seq;
$$;

-- One event's write rules, as the LMDB store applies them (lmdb_store.cpp). Returns
-- 0 stored, 1 duplicate, 2 replaced by a newer one, 3 deleted (NIP-09), 4 expired.
-- p_slot: the address for replaceable/addressable kinds, else NULL. For kind 5: the
-- ids its e tags name, and the (kind, slot) of its a tags that name its own author.
CREATE FUNCTION wsn_put(p_id bytea, p_pubkey bytea, p_created_at bigint, p_kind integer, p_slot bytea,
    p_expires_at bigint, p_now bigint, p_tag_names text[], p_tag_values bytea[], p_json text,
    p_del_ids bytea[], p_del_kinds integer[], p_del_slots bytea[]) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  old_seq bigint;
  old_created bigint;
  old_id bytea;
  new_seq bigint;
BEGIN
  PERFORM 1 FROM wsn_events WHERE id = p_id;
  IF FOUND THEN RETURN 1; END IF;
  IF p_expires_at IS NOT NULL AND p_expires_at <= p_now THEN RETURN 4; END IF;
  IF p_kind <> 5 THEN  -- a deletion request naming a deletion request has no effect
    PERFORM 1 FROM wsn_deleted_ids WHERE id = p_id AND pubkey = p_pubkey;
    IF FOUND THEN RETURN 3; END IF;
  END IF;
  IF p_slot IS NOT NULL THEN
    PERFORM 1 FROM wsn_deleted_addrs
      WHERE kind = p_kind AND pubkey = p_pubkey AND slot = p_slot AND until >= p_created_at;
    IF FOUND THEN RETURN 3; END IF;
    SELECT seq, created_at, id INTO old_seq, old_created, old_id FROM wsn_events
      WHERE pubkey = p_pubkey AND kind = p_kind AND slot = p_slot;
    IF FOUND THEN
      -- Keep the newest; on a tie the lowest id (NIP-01).
      IF old_created > p_created_at OR (old_created = p_created_at AND old_id < p_id) THEN RETURN 2; END IF;
      PERFORM wsn_remove(old_seq);
    END IF;
  END IF;
  INSERT INTO wsn_events (id, pubkey, created_at, kind, slot, expires_at, json)
    VALUES (p_id, p_pubkey, p_created_at, p_kind, p_slot, p_expires_at, p_json)
    RETURNING seq INTO new_seq;
  INSERT INTO wsn_tags (seq, name, value, created_at)
    SELECT new_seq, t.n, t.v, p_created_at FROM unnest(p_tag_names, p_tag_values) AS t(n, v);
  IF p_kind = 5 THEN
    -- NIP-09: remove the author's own events named by e and a tags, and remember them
    -- so they are refused if sent again. Deletion requests are never deleted.
    INSERT INTO wsn_deleted_ids (id, pubkey) SELECT DISTINCT d, p_pubkey FROM unnest(p_del_ids) AS d
      ON CONFLICT DO NOTHING;
    PERFORM wsn_remove(seq) FROM wsn_events WHERE id = ANY (p_del_ids) AND pubkey = p_pubkey AND kind <> 5;
    INSERT INTO wsn_deleted_addrs AS a (kind, pubkey, slot, until)
      SELECT DISTINCT t.k, p_pubkey, t.s, p_created_at FROM unnest(p_del_kinds, p_del_slots) AS t(k, s)
      ON CONFLICT (kind, pubkey, slot) DO UPDATE SET until = greatest(a.until, excluded.until);
    PERFORM wsn_remove(e.seq) FROM wsn_events e, unnest(p_del_kinds, p_del_slots) AS t(k, s)
      WHERE e.pubkey = p_pubkey AND e.kind = t.k AND e.slot = t.s AND e.created_at <= p_created_at;
  END IF;
  RETURN 0;
END $$;
)" + lock_authors_sql();
}

// kMigrations[i] takes a database from version i to i + 1.
const std::vector<std::string>& migrations() {
    static const std::vector<std::string> m = {v1()};
    static_assert(kVersion == 1, "add the new version's script here");
    return m;
}

// Releases the session's migration lock on every path out of migrate().
struct MigrationLock {
    Conn& c;
    explicit MigrationLock(Conn& conn) : c(conn) {
        c.exec(("SELECT pg_advisory_lock(" + std::to_string(kLockClassMigrate) + ", 0)").c_str());
    }
    ~MigrationLock() {
        PQclear(PQexec(c.get(), ("SELECT pg_advisory_unlock(" + std::to_string(kLockClassMigrate) + ", 0)").c_str()));
    }
};

}  // namespace

std::string value_key(std::string_view value) {
    if (value.size() <= kMaxInlineValue) return std::string(value);
    auto h = crypto::sha256(value);
    std::string k(1, '\xff');
    k.append(reinterpret_cast<const char*>(h.data()), h.size());
    return k;
}

void migrate(Conn& c) {
    Conn::Unbounded unbounded(c);  // another frontend may be upgrading: wait for it
    MigrationLock lock(c);
    c.exec("CREATE TABLE IF NOT EXISTS wsn_meta (key text PRIMARY KEY, value text NOT NULL)");
    PgResult r = c.query("SELECT value FROM wsn_meta WHERE key = 'version'");
    int version = r.rows() ? int(r.int8(0, 0)) : 0;
    if (version > kVersion)
        throw DbError("store: the database has schema version " + std::to_string(version) + ", this build reads " +
                      std::to_string(kVersion) + " (upgrade wsn on every frontend)");
    for (; version < kVersion; ++version) {
        std::string script = "BEGIN;\n" + migrations()[version] +
                             "\nINSERT INTO wsn_meta VALUES ('version', '" + std::to_string(version + 1) +
                             "') ON CONFLICT (key) DO UPDATE SET value = excluded.value;\nCOMMIT;";
        PgResult res(PQexec(c.get(), script.c_str()));
        if (!Conn::ok(res.get())) {
            PQclear(PQexec(c.get(), "ROLLBACK"));
            c.fail(res.get(), "schema upgrade to version " + std::to_string(version + 1));
        }
    }
}

}  // namespace wsn::store::pg::schema
