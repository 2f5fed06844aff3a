// NIP-01 event serialization and checks. The canonical form is written by hand
// (not by a JSON library) because the id depends on every byte of it.
#include "nostr/event.hpp"

#include <charconv>

#include "crypto/hash.hpp"
#include "util/hex.hpp"

namespace wsn::nostr {

KindClass classify(uint16_t kind) {
    if (kind == 0 || kind == 3 || (kind >= 10000 && kind < 20000)) return KindClass::replaceable;
    if (kind >= 20000 && kind < 30000) return KindClass::ephemeral;
    if (kind >= 30000 && kind < 40000) return KindClass::addressable;
    return KindClass::regular;
}

std::optional<std::string_view> first_tag_value(const Event& e, std::string_view name) {
    for (const Tag& t : e.tags)
        if (t.size() >= 2 && t[0] == name) return std::string_view(t[1]);
    return std::nullopt;
}

std::string_view d_tag(const Event& e) { return first_tag_value(e, "d").value_or(std::string_view{}); }

namespace {

// 0: copy verbatim; otherwise the character after the backslash ('u' for \u00xx).
constexpr std::array<char, 256> make_escape_table() {
    std::array<char, 256> t{};
    for (int c = 0; c < 0x20; ++c) t[c] = 'u';
    t['\n'] = 'n';
    t['\r'] = 'r';
    t['\t'] = 't';
    t['\b'] = 'b';
    t['\f'] = 'f';
    t['"'] = '"';
    t['\\'] = '\\';
    return t;
}
constexpr std::array<char, 256> kEscape = make_escape_table();

void append_int(std::string& out, int64_t v) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

void append_hex(std::string& out, std::span<const uint8_t> bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    size_t at = out.size();
    out.resize(at + 2 * bytes.size());
    for (uint8_t b : bytes) {
        out[at++] = digits[b >> 4];
        out[at++] = digits[b & 15];
    }
}

void append_quoted_hex(std::string& out, std::span<const uint8_t> bytes) {
    out += '"';
    append_hex(out, bytes);
    out += '"';
}

void append_tags(std::string& out, const std::vector<Tag>& tags) {
    out += '[';
    for (size_t i = 0; i < tags.size(); ++i) {
        if (i) out += ',';
        out += '[';
        for (size_t j = 0; j < tags[i].size(); ++j) {
            if (j) out += ',';
            append_json_string(out, tags[i][j]);
        }
        out += ']';
    }
    out += ']';
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
    static constexpr char digits[] = "0123456789abcdef";
    out.reserve(out.size() + s.size() + 2);
    out += '"';
    size_t run = 0;  // start of the pending verbatim run
    for (size_t i = 0; i < s.size(); ++i) {
        auto c = static_cast<uint8_t>(s[i]);
        char esc = kEscape[c];
        if (esc == 0) continue;
        out.append(s.data() + run, i - run);
        run = i + 1;
        out += '\\';
        out += esc;
        if (esc == 'u') {
            out += "00";
            out += digits[c >> 4];
            out += digits[c & 15];
        }
    }
    out.append(s.data() + run, s.size() - run);
    out += '"';
}

void append_canonical_serialization(std::string& out, const Event& e) {
    out += "[0,";
    append_quoted_hex(out, e.pubkey.bytes);
    out += ',';
    append_int(out, e.created_at);
    out += ',';
    append_int(out, e.kind);
    out += ',';
    append_tags(out, e.tags);
    out += ',';
    append_json_string(out, e.content);
    out += ']';
}

std::string canonical_serialization(const Event& e) {
    std::string out;
    append_canonical_serialization(out, e);
    return out;
}

Id compute_id(const Event& e, std::string& scratch) {
    scratch.clear();
    append_canonical_serialization(scratch, e);
    return crypto::sha256(std::string_view(scratch));
}

Id compute_id(const Event& e) {
    std::string scratch;
    return compute_id(e, scratch);
}

Status check_id(const Event& e, std::string& scratch) {
    if (compute_id(e, scratch) != e.id) return err("invalid: id does not match");
    return Ok{};
}

Status check_signature(const Event& e) {
    if (!crypto::schnorr_verify(e.pubkey, e.id, e.sig)) return err("invalid: bad signature");
    return Ok{};
}

Status verify(const Event& e, std::string& scratch) {
    if (auto s = check_id(e, scratch); !s) return s;
    return check_signature(e);
}

Status verify(const Event& e) {
    std::string scratch;
    return verify(e, scratch);
}

void append_json(std::string& out, const Event& e) {
    out.reserve(out.size() + 256 + e.content.size());
    out += "{\"id\":";
    append_quoted_hex(out, e.id);
    out += ",\"pubkey\":";
    append_quoted_hex(out, e.pubkey.bytes);
    out += ",\"created_at\":";
    append_int(out, e.created_at);
    out += ",\"kind\":";
    append_int(out, e.kind);
    out += ",\"tags\":";
    append_tags(out, e.tags);
    out += ",\"content\":";
    append_json_string(out, e.content);
    out += ",\"sig\":";
    append_quoted_hex(out, e.sig);
    out += '}';
}

std::optional<crypto::XOnlyPubkey> compact_pubkey(std::string_view j) {
    constexpr std::string_view kId = "{\"id\":\"", kPubkey = "\",\"pubkey\":\"";
    constexpr size_t at = kId.size() + 64 + kPubkey.size();
    if (j.size() < at + 65 || !j.starts_with(kId) || j.substr(kId.size() + 64, kPubkey.size()) != kPubkey ||
        j[at + 64] != '"')
        return std::nullopt;
    auto bytes = from_hex_fixed<32>(j.substr(at, 64), true);
    if (!bytes) return std::nullopt;
    return crypto::XOnlyPubkey{*bytes};
}

std::string to_json(const Event& e) {
    std::string out;
    append_json(out, e);
    return out;
}

std::string id_hex(const Id& id) { return to_hex(id); }

Event make_signed(const crypto::SecretKey& key, int64_t created_at, uint16_t kind, std::vector<Tag> tags,
                  std::string content, const std::optional<std::array<uint8_t, 32>>& aux) {
    Event e;
    e.pubkey = key.xonly_pubkey();
    e.created_at = created_at;
    e.kind = kind;
    e.tags = std::move(tags);
    e.content = std::move(content);
    e.id = compute_id(e);
    e.sig = crypto::schnorr_sign(key, e.id, aux);
    return e;
}

}  // namespace wsn::nostr
