#pragma once
// The NIP-01 event: data model, kind classes, canonical serialization (the id
// preimage), id and BIP-340 signature checks, and compact wire JSON (the stored form).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crypto/keys.hpp"
#include "util/result.hpp"

namespace wsn::nostr {

using Id = std::array<uint8_t, 32>;
using Tag = std::vector<std::string>;

struct Event {
    Id id{};
    crypto::XOnlyPubkey pubkey;
    int64_t created_at = 0;  // 0..kMaxCreatedAt (limits.hpp) once parsed
    uint16_t kind = 0;
    std::vector<Tag> tags;
    std::string content;
    crypto::Signature sig{};

    bool operator==(const Event&) const = default;
};

// NIP-01 kind classes.
enum class KindClass { regular, replaceable, ephemeral, addressable };
KindClass classify(uint16_t kind);
inline bool is_replaceable(uint16_t k) { return classify(k) == KindClass::replaceable; }
inline bool is_ephemeral(uint16_t k) { return classify(k) == KindClass::ephemeral; }
inline bool is_addressable(uint16_t k) { return classify(k) == KindClass::addressable; }

// The second element of the first tag named `name` that has one; nullopt if none.
std::optional<std::string_view> first_tag_value(const Event& e, std::string_view name);
// The `d` tag value that keys an addressable event; "" when absent (as NIP-01 says).
std::string_view d_tag(const Event& e);

// Appends s as a JSON string with NIP-01's escapes: \" \\ \n \r \t \b \f, other
// C0 controls as \u00xx (lowercase hex), every other byte verbatim.
void append_json_string(std::string& out, std::string_view s);

// [0,"<pubkey>",<created_at>,<kind>,<tags>,"<content>"]: the id preimage.
std::string canonical_serialization(const Event& e);
void append_canonical_serialization(std::string& out, const Event& e);

// SHA-256 of the canonical serialization. `scratch` is reused to avoid an allocation.
Id compute_id(const Event& e, std::string& scratch);
Id compute_id(const Event& e);

// Ok, or Error "invalid: id does not match".
Status check_id(const Event& e, std::string& scratch);
// Ok, or Error "invalid: bad signature" (BIP-340 over the 32-byte id field).
Status check_signature(const Event& e);
// Both checks, id first (cheap); the Error names the first that failed.
Status verify(const Event& e, std::string& scratch);
Status verify(const Event& e);

// Compact wire JSON with fields in NIP-01 order (id, pubkey, created_at, kind,
// tags, content, sig), no whitespace, strings escaped as append_json_string does.
// Parsing the output gives back an equal Event, and serializing that gives the same
// bytes: however a client spelled an event, this is its one stored and served form.
std::string to_json(const Event& e);
void append_json(std::string& out, const Event& e);

// An event with its compact JSON (to_json), made together by the constructor and
// immutable after, so the text cannot be anything but the event's compact form.
// The relay makes one per event at ingest; the store takes only these (store.hpp),
// which is how "stored JSON is compact" is enforced: by type, at no cost per read.
class CompactEvent {
public:
    explicit CompactEvent(Event e) : event_(std::move(e)), json_(to_json(event_)) {}
    const Event& event() const { return event_; }
    const std::string& json() const { return json_; }

private:
    Event event_;
    std::string json_;
};

std::string id_hex(const Id& id);

// The pubkey of an event in compact form (to_json), read from its fixed place
// without parsing; nullopt if the text does not start as the compact form does.
std::optional<crypto::XOnlyPubkey> compact_pubkey(std::string_view compact_json);

// Creates a signed event (id and sig filled in) from the other fields; for
// clients, tests and benches. aux as in crypto::schnorr_sign.
Event make_signed(const crypto::SecretKey& key, int64_t created_at, uint16_t kind, std::vector<Tag> tags,
                  std::string content, const std::optional<std::array<uint8_t, 32>>& aux = std::nullopt);

}  // namespace wsn::nostr
