#include "nostr/nip19.hpp"

#include <algorithm>
#include <cctype>

#include "crypto/secret.hpp"
#include "nostr/bech32.hpp"

namespace wsn::nostr {
namespace {

enum TlvType : uint8_t { kSpecial = 0, kRelay = 1, kAuthor = 2, kKind = 3 };

// Wipes a byte buffer when it goes out of scope (the payload of an nsec).
struct WipeOnExit {
    std::vector<uint8_t>& v;
    ~WipeOnExit() { crypto::wipe(v.data(), v.size()); }
};

std::string encode_payload(std::string_view hrp, std::span<const uint8_t> bytes) {
    std::vector<uint8_t> fives = bytes_to_fives(bytes);
    WipeOnExit wipe{fives};
    return bech32_encode(hrp, fives, Bech32Variant::bech32);
}

// The bytes of a NIP-19 string whose hrp must be `hrp`.
Result<std::vector<uint8_t>> decode_payload(std::string_view s, std::string_view hrp) {
    auto where = [&] { return " in " + std::string(hrp); };
    auto data = bech32_decode(s, kNip19MaxLength);
    if (!data) return err(data.error().message + where());
    WipeOnExit wipe{data->values};
    if (data->hrp != hrp) {
        std::string got = data->hrp.size() > 16 ? data->hrp.substr(0, 16) + "..." : data->hrp;
        return err("expected " + std::string(hrp) + ", got " + got);
    }
    if (data->variant != Bech32Variant::bech32)
        return err("bech32m checksum" + where() + " (NIP-19 uses bech32)");
    auto bytes = fives_to_bytes(data->values);
    if (!bytes) return err(bytes.error().message + where());
    return bytes;
}

std::string bad_length(std::string_view what, size_t got, size_t want) {
    return "bad length" + std::string(what) + " (" + std::to_string(got) + " bytes, expected " +
           std::to_string(want) + ")";
}

Result<std::array<uint8_t, 32>> decode_fixed32(std::string_view s, std::string_view hrp) {
    auto bytes = decode_payload(s, hrp);
    if (!bytes) return bytes.error();
    WipeOnExit wipe{*bytes};
    if (bytes->size() != 32) return err(bad_length(" in " + std::string(hrp), bytes->size(), 32));
    std::array<uint8_t, 32> out;
    std::copy(bytes->begin(), bytes->end(), out.begin());
    return out;
}

// The TLV records of a pointer entity, with the checks every field shares.
class Fields {
public:
    static Result<Fields> decode(std::string_view s, std::string_view hrp) {
        auto bytes = decode_payload(s, hrp);
        if (!bytes) return bytes.error();
        auto tlvs = parse_tlv(*bytes);
        if (!tlvs) return err("bad TLV in " + std::string(hrp) + ": " + tlvs.error().message);
        return Fields(hrp, std::move(*tlvs));
    }

    // The value of a type that may appear at most once (nullptr if absent).
    Result<const std::vector<uint8_t>*> single(uint8_t type, std::string_view name) const {
        const std::vector<uint8_t>* found = nullptr;
        for (const Tlv& t : tlvs_) {
            if (t.type != type) continue;
            if (found) return err("duplicate " + std::string(name) + in());
            found = &t.value;
        }
        return found;
    }

    template <size_t N>
    Result<std::optional<std::array<uint8_t, N>>> fixed(uint8_t type, std::string_view name) const {
        auto v = single(type, name);
        if (!v) return v.error();
        if (!*v) return std::optional<std::array<uint8_t, N>>{};
        if ((*v)->size() != N) return err(bad_length(" of " + std::string(name) + in(), (*v)->size(), N));
        std::array<uint8_t, N> out;
        std::copy((*v)->begin(), (*v)->end(), out.begin());
        return std::optional(out);
    }

    Result<std::optional<crypto::XOnlyPubkey>> key(uint8_t type, std::string_view name) const {
        auto v = fixed<32>(type, name);
        if (!v) return v.error();
        if (!*v) return std::optional<crypto::XOnlyPubkey>{};
        return std::optional(crypto::XOnlyPubkey{**v});
    }

    Result<std::optional<uint32_t>> kind() const {
        auto v = fixed<4>(kKind, "kind");
        if (!v) return v.error();
        if (!*v) return std::optional<uint32_t>{};
        const auto& b = **v;
        return std::optional(uint32_t{b[0]} << 24 | uint32_t{b[1]} << 16 | uint32_t{b[2]} << 8 | b[3]);
    }

    std::vector<std::string> relays() const {
        std::vector<std::string> out;
        for (const Tlv& t : tlvs_)
            if (t.type == kRelay) out.emplace_back(t.value.begin(), t.value.end());
        return out;
    }

    Error missing(std::string_view name) const { return err("missing " + std::string(name) + in()); }

private:
    Fields(std::string_view hrp, std::vector<Tlv> tlvs) : hrp_(hrp), tlvs_(std::move(tlvs)) {}
    std::string in() const { return " in " + hrp_; }

    std::string hrp_;
    std::vector<Tlv> tlvs_;
};

}  // namespace

std::string encode_npub(const crypto::XOnlyPubkey& pubkey) { return encode_payload("npub", pubkey.bytes); }

std::string encode_nsec(const crypto::SecretKey& key) { return encode_payload("nsec", key.secret().span()); }

std::string encode_note(const EventId& id) { return encode_payload("note", id); }

Result<std::string> encode_nprofile(const ProfilePointer& profile) {
    std::vector<uint8_t> tlv{kSpecial, 32};
    tlv.insert(tlv.end(), profile.pubkey.bytes.begin(), profile.pubkey.bytes.end());
    for (const std::string& relay : profile.relays) {
        if (relay.size() > 255) return err("relay URL longer than 255 bytes cannot go in an nprofile");
        tlv.push_back(kRelay);
        tlv.push_back(static_cast<uint8_t>(relay.size()));
        tlv.insert(tlv.end(), relay.begin(), relay.end());
    }
    std::string out = encode_payload("nprofile", tlv);
    if (out.size() > kNip19MaxLength)
        return err("nprofile too long (" + std::to_string(out.size()) + " characters, at most " +
                   std::to_string(kNip19MaxLength) + ")");
    return out;
}

Result<crypto::XOnlyPubkey> decode_npub(std::string_view s) {
    auto bytes = decode_fixed32(s, "npub");
    if (!bytes) return bytes.error();
    crypto::XOnlyPubkey key{*bytes};
    if (!crypto::lift_x(key)) return err("npub is not a valid secp256k1 public key");
    return key;
}

Result<crypto::SecretKey> decode_nsec(std::string_view s) {
    auto bytes = decode_fixed32(s, "nsec");
    if (!bytes) return bytes.error();
    auto key = crypto::SecretKey::from_bytes(*bytes);
    crypto::wipe(bytes->data(), bytes->size());
    if (!key) return err("nsec is not a valid secret key (zero or not below the group order)");
    return key;
}

Result<EventId> decode_note(std::string_view s) { return decode_fixed32(s, "note"); }

Result<ProfilePointer> decode_nprofile(std::string_view s) {
    auto f = Fields::decode(s, "nprofile");
    if (!f) return f.error();
    auto pubkey = f->key(kSpecial, "pubkey");
    if (!pubkey) return pubkey.error();
    if (!*pubkey) return f->missing("pubkey");
    return ProfilePointer{**pubkey, f->relays()};
}

Result<EventPointer> decode_nevent(std::string_view s) {
    auto f = Fields::decode(s, "nevent");
    if (!f) return f.error();
    auto id = f->fixed<32>(kSpecial, "event id");
    if (!id) return id.error();
    if (!*id) return f->missing("event id");
    auto author = f->key(kAuthor, "author");
    if (!author) return author.error();
    auto kind = f->kind();
    if (!kind) return kind.error();
    return EventPointer{**id, f->relays(), *author, *kind};
}

Result<AddressPointer> decode_naddr(std::string_view s) {
    auto f = Fields::decode(s, "naddr");
    if (!f) return f.error();
    auto ident = f->single(kSpecial, "identifier");
    if (!ident) return ident.error();
    if (!*ident) return f->missing("identifier");
    auto author = f->key(kAuthor, "author");
    if (!author) return author.error();
    if (!*author) return f->missing("author");
    auto kind = f->kind();
    if (!kind) return kind.error();
    if (!*kind) return f->missing("kind");
    return AddressPointer{std::string((*ident)->begin(), (*ident)->end()), f->relays(), **author, **kind};
}

Result<std::vector<Tlv>> parse_tlv(std::span<const uint8_t> bytes) {
    std::vector<Tlv> out;
    size_t i = 0;
    while (i < bytes.size()) {
        if (bytes.size() - i < 2) return err("truncated TLV header");
        uint8_t type = bytes[i], len = bytes[i + 1];
        i += 2;
        if (bytes.size() - i < len)
            return err("TLV type " + std::to_string(type) + " length " + std::to_string(len) +
                       " exceeds the data");
        out.push_back(Tlv{type, {bytes.begin() + i, bytes.begin() + i + len}});
        i += len;
    }
    return out;
}

Result<crypto::SecretKey> parse_secret_key(std::string_view text) {
    if (text.size() > 5) {
        char prefix[5];
        for (size_t i = 0; i < 5; ++i) prefix[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
        if (std::string_view(prefix, 5) == "nsec1") return decode_nsec(text);
    }
    if (text.size() != 64) return err("expected 64 hex characters or an nsec");
    auto key = crypto::SecretKey::from_hex(text);
    if (!key) return err("not a valid secret key (64 hex characters, nonzero, below the group order)");
    return key;
}

}  // namespace wsn::nostr
