#pragma once
// The PostgreSQL schema in one place (schema.cpp holds its SQL): tables, indexes,
// the functions the write path calls, and the migrations between versions.
//
//   wsn_meta          key -> value; "version" is the schema version
//   wsn_events        seq (server-assigned, wsn_next_seq()), id, pubkey, created_at, kind,
//                     slot (replaceable/addressable address, else NULL), expires_at (NIP-40),
//                     json; indexed like the LMDB store: id (unique), (created_at, seq),
//                     (pubkey, ...), (kind, ...), (pubkey, kind, ...), (pubkey, kind, slot)
//                     unique where slot is set, expires_at where set
//   wsn_tags          (seq, name, value, created_at) per distinct single-letter tag of an
//                     event; indexed (name, value, created_at, seq) and (seq)
//   wsn_deleted_ids   (id, pubkey): NIP-09 e, id deleted by pubkey
//   wsn_deleted_addrs (kind, pubkey, slot) -> until: NIP-09 a, deleted up to created_at
//   wsn_ephemeral     ephemeral events too large for a NOTIFY payload, kept a minute
//
// Tag values and d (slot) are bytea: the UTF-8 bytes of values up to kMaxInlineValue
// bytes, else 0xFF + SHA-256(value) (0xFF never occurs in UTF-8, so the two cannot
// meet), which keeps index entries small whatever a client sends.
#include <cstdint>
#include <string>
#include <string_view>

#include "store/postgres/conn.hpp"

namespace wsn::store::pg::schema {

inline constexpr int kVersion = 1;
inline constexpr size_t kMaxInlineValue = 200;

// Advisory lock keys (two int4s: class, object), in a class of wsn's own.
inline constexpr int32_t kLockClassMigrate = 0x77736e01;  // object 0: schema creation and upgrades
inline constexpr int32_t kLockClassAuthor = 0x77736e02;   // object: an author's first 4 key bytes
inline constexpr int32_t kLockClassPurge = 0x77736e03;    // object 0: one purge at a time

// NOTIFY channels: a wake-up after every write batch, and ephemeral events.
inline constexpr const char* kChannelEvents = "wsn_events";
inline constexpr const char* kChannelEphemeral = "wsn_ephemeral";
// An ephemeral event larger than this goes through wsn_ephemeral and the payload
// names its row ("#<id>"); PostgreSQL's limit is 8000 bytes.
inline constexpr size_t kMaxNotifyPayload = 7900;

// The key column value of a tag value or d.
std::string value_key(std::string_view value);

// Creates the schema, or upgrades an older one, under an advisory lock so that
// frontends starting together do it once; fails if the database's schema is newer
// than this build's.
void migrate(Conn& c);

}  // namespace wsn::store::pg::schema
