#pragma once
// The LMDB schema in one place: every sub-database, its key layout and value.
// Integers in keys are big-endian so LMDB's bytewise order is numeric order;
// created_at takes 4 bytes (nostr::kMaxCreatedAt bounds it to 2^32-1) and every
// event has a u64 `seq`, increasing with insertion, that the indexes point to.
//
// Index keys end in created_at(4) seq(8) so one prefix is one index entry's
// "bucket", walked backwards for newest first. Index values are empty.
//
//   meta         "version" -> u32, "next_seq" -> u64, "setting:" name -> value (Store::setting)
//   events       seq(8) -> record (record.hpp: binary header, tag block, JSON)
//   id           id(32) -> seq(8)
//   created_at   created_at(4) seq(8)
//   pubkey       pubkey(32) created_at(4) seq(8)
//   kind         kind(2) created_at(4) seq(8)
//   pubkey_kind  pubkey(32) kind(2) created_at(4) seq(8)
//   tag          letter(1) tagval created_at(4) seq(8)    single-letter tags with a value
//   replace      pubkey(32) kind(2) tagval(d) -> seq(8)  replaceable / addressable slot
//   deleted_id   id(32) pubkey(32)                       NIP-09 e: id deleted by pubkey
//   deleted_addr kind(2) pubkey(32) tagval(d) -> u32     NIP-09 a: deleted up to created_at
//   expiration   expires_at(8) seq(8)                    NIP-40
//
// `tagval` is a tag value as a self-delimiting key part, so a prefix names one
// value exactly: len(1) + bytes for values of up to kMaxInlineTagValue bytes,
// otherwise 0xFF + SHA-256(value). Candidates are always checked against the
// full filter, so a hash collision cannot produce a wrong answer.
#include <array>
#include <cstdint>
#include <iterator>
#include <span>
#include <string>
#include <string_view>

#include "crypto/keys.hpp"
#include "nostr/event.hpp"

namespace wsn::store::lmdb::schema {

// 2: records hold the compact JSON (store/store.hpp); 1 held the client's text and
// is migrated at open (migrate.hpp). Index layouts are the same in both.
inline constexpr uint32_t kVersion = 2;

// Every sub-database above, by its name in the file, which is also its member of Dbs
// (db.hpp). The one list: Dbs, the open (lmdb_store.cpp) and the tests expand it.
#define WSN_LMDB_DATABASES(X) \
    X(meta) X(events) X(id) X(created_at) X(pubkey) X(kind) X(pubkey_kind) X(tag) X(replace) X(deleted_id) \
    X(deleted_addr) X(expiration)

#define WSN_LMDB_NAME(name) #name,
inline constexpr const char* kDatabases[] = {WSN_LMDB_DATABASES(WSN_LMDB_NAME)};
#undef WSN_LMDB_NAME
inline constexpr unsigned kDatabaseCount = std::size(kDatabases);
inline constexpr const char* kMeta = kDatabases[0];
inline constexpr const char* kEvents = kDatabases[1];

inline constexpr std::string_view kMetaVersion = "version";
inline constexpr std::string_view kMetaNextSeq = "next_seq";
inline std::string setting_key(std::string_view name) { return "setting:" + std::string(name); }

inline constexpr size_t kMaxInlineTagValue = 64;  // e/p tags (64 hex) stay readable
inline constexpr uint8_t kHashedTagValue = 0xFF;

// Length of the created_at(4) seq(8) suffix of every index key.
inline constexpr size_t kPositionBytes = 12;

// Big-endian integer encoding.
void put_u16(std::string& out, uint16_t v);
void put_u32(std::string& out, uint32_t v);
void put_u64(std::string& out, uint64_t v);
uint16_t get_u16(const uint8_t* p);
uint32_t get_u32(const uint8_t* p);
uint64_t get_u64(const uint8_t* p);

void put_bytes(std::string& out, std::span<const uint8_t> b);
void put_tagval(std::string& out, std::string_view value);

// Index key prefixes (everything before created_at seq).
std::string pubkey_prefix(const crypto::XOnlyPubkey& pk);
std::string kind_prefix(uint16_t kind);
std::string pubkey_kind_prefix(const crypto::XOnlyPubkey& pk, uint16_t kind);
std::string tag_prefix(char letter, std::string_view value);

// prefix + created_at(4) + seq(8).
std::string with_position(std::string prefix, uint32_t created_at, uint64_t seq);

// Addresses of replaceable/addressable events. `d` counts only for addressable
// kinds; replaceable ones have one slot per pubkey and kind (d taken as "").
std::string replace_key(const crypto::XOnlyPubkey& pk, uint16_t kind, std::string_view d);
std::string deleted_id_key(const nostr::Id& id, const crypto::XOnlyPubkey& deleter);
std::string deleted_addr_key(uint16_t kind, const crypto::XOnlyPubkey& pk, std::string_view d);
std::string expiration_key(uint64_t expires_at, uint64_t seq);
std::string seq_key(uint64_t seq);

}  // namespace wsn::store::lmdb::schema
