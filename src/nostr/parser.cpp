// Strict NIP-01 parsing over simdjson's DOM. simdjson checks JSON syntax, UTF-8
// of the whole text and nesting depth; this file checks the NIP-01 shape: field
// names (no unknown or duplicate ones in events and filters), types and ranges.
#include "nostr/parser.hpp"

#include <algorithm>
#include <simdjson.h>

#include "util/hex.hpp"

namespace wsn::nostr {

namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

// Returns the Error of a failed Status from the enclosing function.
#define WSN_TRY(expr)                                    \
    do {                                                 \
        if (Status s_ = (expr); !s_) return s_.error();  \
    } while (0)

Error invalid(std::string_view reason) { return err("invalid: " + std::string(reason)); }

// A short, printable ASCII rendering of untrusted text for use inside a reason.
std::string printable(std::string_view s) {
    constexpr size_t kMax = 32;
    std::string out;
    for (size_t i = 0; i < s.size() && i < kMax; ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        out += (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') ? static_cast<char>(c) : '?';
    }
    if (s.size() > kMax) out += "...";
    return out;
}

Error json_error(simdjson::error_code code) {
    switch (code) {
        case simdjson::CAPACITY: return invalid("message too large");
        case simdjson::DEPTH_ERROR: return invalid("JSON nested too deeply");
        case simdjson::UTF8_ERROR: return invalid("text is not valid UTF-8");
        case simdjson::NUMBER_ERROR:
        case simdjson::NUMBER_OUT_OF_RANGE: return invalid("number out of range");
        case simdjson::STRING_ERROR: return invalid("bad escape in a JSON string");
        case simdjson::UNESCAPED_CHARS: return invalid("unescaped control character in a JSON string");
        case simdjson::EMPTY: return invalid("empty message");
        default: return invalid(std::string("malformed JSON (") + simdjson::error_message(code) + ")");
    }
}

std::string_view type_name(element_type t) {
    switch (t) {
        case element_type::ARRAY: return "an array";
        case element_type::OBJECT: return "an object";
        case element_type::INT64:
        case element_type::UINT64: return "an integer";
        case element_type::DOUBLE: return "a non-integer number";
        case element_type::STRING: return "a string";
        case element_type::BOOL: return "a boolean";
        case element_type::NULL_VALUE: return "null";
    }
    return "unknown";
}

Error wrong_type(std::string_view what, std::string_view expected, element v) {
    return invalid(std::string(what) + " must be " + std::string(expected) + ", not " + std::string(type_name(v.type())));
}

Status read_string(element v, std::string_view what, std::string_view& out) {
    if (v.type() != element_type::STRING) return wrong_type(what, "a string", v);
    out = v.get_string().value_unsafe();
    return Ok{};
}

template <size_t N>
Status read_hex(element v, std::string_view what, std::array<uint8_t, N>& out) {
    std::string_view s;
    WSN_TRY(read_string(v, what, s));
    auto bytes = from_hex_fixed<N>(s, true);
    if (!bytes) return invalid(std::string(what) + " must be " + std::to_string(2 * N) + " lowercase hex characters");
    out = *bytes;
    return Ok{};
}

// An integer in [lo, hi]; doubles (1.0, 1e3) are not integers here.
Status read_int(element v, std::string_view what, int64_t lo, int64_t hi, int64_t& out) {
    auto t = v.type();
    if (t == element_type::UINT64) return invalid(std::string(what) + " out of range");
    if (t != element_type::INT64) return wrong_type(what, "an integer", v);
    int64_t x = v.get_int64().value_unsafe();
    if (x < lo || x > hi) return invalid(std::string(what) + " out of range");
    out = x;
    return Ok{};
}

Status read_array(element v, std::string_view what, size_t max, array& out) {
    if (v.type() != element_type::ARRAY) return wrong_type(what, "an array", v);
    out = v.get_array().value_unsafe();
    if (out.size() > max) return invalid(std::string(what) + " has too many elements (limit " + std::to_string(max) + ")");
    return Ok{};
}

// NIP-01 counts characters; the text is valid UTF-8, so count non-continuation bytes.
size_t utf8_length(std::string_view s) {
    return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

Status read_sub_id(element v, const Limits& lim, std::string& out) {
    std::string_view s;
    WSN_TRY(read_string(v, "subscription id", s));
    size_t n = utf8_length(s);
    if (n == 0 || n > lim.max_sub_id_length)
        return invalid("subscription id must have 1 to " + std::to_string(lim.max_sub_id_length) + " characters");
    out = s;
    return Ok{};
}

Status read_tags(element v, const Limits& lim, std::vector<Tag>& out) {
    array tags;
    WSN_TRY(read_array(v, "tags", lim.max_tags, tags));
    out.clear();
    out.reserve(tags.size());
    size_t i = 0;
    for (element t : tags) {
        array items;
        WSN_TRY(read_array(t, "tag " + std::to_string(i), lim.max_tag_values, items));
        Tag& tag = out.emplace_back();
        tag.reserve(items.size());
        for (element item : items) {
            std::string_view s;
            WSN_TRY(read_string(item, "tag " + std::to_string(i) + " element", s));
            tag.emplace_back(s);
        }
        ++i;
    }
    return Ok{};
}

// Bits of the event fields seen.
constexpr unsigned f_id = 1, f_pubkey = 2, f_created_at = 4, f_kind = 8, f_tags = 16, f_content = 32, f_sig = 64;

Status read_event(element v, const Limits& lim, Event& e) {
    if (v.type() != element_type::OBJECT) return wrong_type("event", "an object", v);
    unsigned seen = 0;
    object obj = v.get_object().value_unsafe();
    for (auto field : obj) {
        std::string_view key = field.key;  // named variables: clang lambdas cannot capture bindings
        element value = field.value;
        unsigned bit = key == "id"           ? f_id
                       : key == "pubkey"     ? f_pubkey
                       : key == "created_at" ? f_created_at
                       : key == "kind"       ? f_kind
                       : key == "tags"       ? f_tags
                       : key == "content"    ? f_content
                       : key == "sig"        ? f_sig
                                             : 0u;
        // Unknown fields are refused: they are not covered by the signature, and
        // the stored form, made from the known fields, would drop them unseen.
        if (bit == 0) return invalid("unknown event field \"" + printable(key) + "\"");
        if (seen & bit) return invalid("duplicate event field \"" + std::string(key) + "\"");
        seen |= bit;
        switch (bit) {
            case f_id: WSN_TRY(read_hex(value, "id", e.id)); break;
            case f_pubkey: WSN_TRY(read_hex(value, "pubkey", e.pubkey.bytes)); break;
            case f_sig: WSN_TRY(read_hex(value, "sig", e.sig)); break;
            case f_created_at: WSN_TRY(read_int(value, "created_at", 0, kMaxCreatedAt, e.created_at)); break;
            case f_kind: {
                int64_t k = 0;
                WSN_TRY(read_int(value, "kind", 0, 65535, k));
                e.kind = static_cast<uint16_t>(k);
                break;
            }
            case f_tags: WSN_TRY(read_tags(value, lim, e.tags)); break;
            case f_content: {
                std::string_view s;
                WSN_TRY(read_string(value, "content", s));
                if (s.size() > lim.max_content_bytes)
                    return invalid("content too long (limit " + std::to_string(lim.max_content_bytes) + " bytes)");
                e.content = s;
                break;
            }
        }
    }
    static constexpr const char* names[] = {"id", "pubkey", "created_at", "kind", "tags", "content", "sig"};
    for (unsigned i = 0; i < 7; ++i)
        if (!(seen & (1u << i))) return invalid(std::string("missing event field \"") + names[i] + "\"");
    return Ok{};
}

template <class T, class Read>
Status read_list(element v, std::string_view what, const Limits& lim, std::optional<std::vector<T>>& out, Read read) {
    array items;
    WSN_TRY(read_array(v, what, lim.max_filter_values, items));
    std::vector<T> list;
    list.reserve(items.size());
    for (element item : items) WSN_TRY(read(item, list.emplace_back()));
    out = std::move(list);
    return Ok{};
}

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

Status read_filter(element v, const Limits& lim, Filter& f) {
    if (v.type() != element_type::OBJECT) return wrong_type("filter", "an object", v);
    enum : unsigned { s_ids = 1, s_authors = 2, s_kinds = 4, s_since = 8, s_until = 16, s_limit = 32, s_search = 64 };
    unsigned seen = 0;
    auto once = [&](unsigned bit, std::string_view key) -> Status {
        if (seen & bit) return invalid("duplicate filter field \"" + std::string(key) + "\"");
        seen |= bit;
        return Ok{};
    };
    object obj = v.get_object().value_unsafe();
    for (auto field : obj) {
        std::string_view key = field.key;  // named variables: clang lambdas cannot capture bindings
        element value = field.value;
        if (key == "ids") {
            WSN_TRY(once(s_ids, key));
            WSN_TRY(read_list(value, "ids", lim, f.ids, [](element x, Id& id) { return read_hex(x, "ids element", id); }));
        } else if (key == "authors") {
            WSN_TRY(once(s_authors, key));
            WSN_TRY(read_list(value, "authors", lim, f.authors, [](element x, crypto::XOnlyPubkey& p) {
                return read_hex(x, "authors element", p.bytes);
            }));
        } else if (key == "kinds") {
            WSN_TRY(once(s_kinds, key));
            WSN_TRY(read_list(value, "kinds", lim, f.kinds, [](element x, uint16_t& k) -> Status {
                int64_t n = 0;
                WSN_TRY(read_int(x, "kinds element", 0, 65535, n));
                k = static_cast<uint16_t>(n);
                return Ok{};
            }));
        } else if (key == "since" || key == "until") {
            WSN_TRY(once(key == "since" ? s_since : s_until, key));
            int64_t t = 0;
            WSN_TRY(read_int(value, key, 0, INT64_MAX, t));
            (key == "since" ? f.since : f.until) = t;
        } else if (key == "limit") {
            WSN_TRY(once(s_limit, key));
            int64_t n = 0;
            WSN_TRY(read_int(value, key, 0, INT64_MAX, n));
            f.limit = static_cast<uint64_t>(n);
        } else if (key == "search") {
            WSN_TRY(once(s_search, key));
            std::string_view s;
            WSN_TRY(read_string(value, "search", s));
            f.search = std::string(s);
        } else if (key.size() == 2 && key[0] == '#' && is_letter(key[1])) {
            if (f.tag(key[1])) return invalid("duplicate filter field \"" + std::string(key) + "\"");
            std::optional<std::vector<std::string>> values;
            WSN_TRY(read_list(value, key, lim, values, [&](element x, std::string& s) -> Status {
                std::string_view sv;
                WSN_TRY(read_string(x, std::string(key) + " element", sv));
                s = sv;
                return Ok{};
            }));
            f.tags.push_back(TagFilter{key[1], std::move(*values)});
        } else {
            return invalid("unknown filter field \"" + printable(key) + "\"");
        }
    }
    f.normalize();
    return Ok{};
}

Status read_filters(array msg, size_t first, const Limits& lim, std::vector<Filter>& out) {
    size_t n = msg.size() - first;
    if (n == 0) return invalid("at least one filter is required");
    if (n > lim.max_filters) return invalid("too many filters (limit " + std::to_string(lim.max_filters) + ")");
    out.reserve(n);
    size_t i = 0;
    for (element v : msg)  // array::at() walks from the start, so iterate
        if (i++ >= first) WSN_TRY(read_filter(v, lim, out.emplace_back()));
    return Ok{};
}

// A NIP-77 message: hex on the wire, returned as its bytes.
Status read_neg_message(element v, std::string& out) {
    std::string_view hex;
    WSN_TRY(read_string(v, "negentropy message", hex));
    auto bytes = from_hex(hex);
    if (!bytes) return invalid("negentropy message is not hex");
    out.assign(bytes->begin(), bytes->end());
    return Ok{};
}

Status expect_size(array msg, std::string_view type, size_t n) {
    if (msg.size() != n)
        return invalid("\"" + std::string(type) + "\" message must have " + std::to_string(n) + " elements, not " +
                       std::to_string(msg.size()));
    return Ok{};
}

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The text of the last element of a validated ["<string>", {...}] array: the
// object between the first comma and the closing bracket, trimmed.
std::string_view last_object_span(std::string_view json) {
    size_t p = json.find('"');  // opening quote of the type string
    for (++p; json[p] != '"'; ++p)
        if (json[p] == '\\') ++p;
    p = json.find(',', p + 1) + 1;
    size_t q = json.rfind(']');
    while (is_ws(json[p])) ++p;
    while (is_ws(json[q - 1])) --q;
    return json.substr(p, q - p);
}

std::string_view trim_ws(std::string_view s) {
    while (!s.empty() && is_ws(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_ws(s.back())) s.remove_suffix(1);
    return s;
}

Status check_event_size(std::string_view event_json, const Limits& lim) {
    if (event_json.size() <= lim.max_event_bytes) return Ok{};
    return invalid("event too large (" + std::to_string(event_json.size()) + " bytes, limit " +
                   std::to_string(lim.max_event_bytes) + ")");
}

}  // namespace

struct Parser::Impl {
    simdjson::dom::parser dom;

    explicit Impl(const Limits& lim) : dom(lim.max_message_bytes) {
        // Capacity grows on demand up to max_message_bytes; depth is fixed here.
        if (dom.allocate(std::min<size_t>(lim.max_message_bytes, 64 * 1024), lim.max_depth) != simdjson::SUCCESS)
            throw std::bad_alloc();
    }

    Result<element> parse(std::string_view json, const Limits& lim) {
        if (json.size() > lim.max_message_bytes)
            return invalid("message too large (" + std::to_string(json.size()) + " bytes, limit " +
                           std::to_string(lim.max_message_bytes) + ")");
        auto r = dom.parse(json.data(), json.size(), true);
        if (r.error()) return json_error(r.error());
        return r.value_unsafe();
    }

    // The message array and its type string.
    Result<std::pair<array, std::string_view>> parse_message(std::string_view json, const Limits& lim) {
        auto root = parse(json, lim);
        if (!root) return root.error();
        if (root->type() != element_type::ARRAY) return wrong_type("message", "an array", *root);
        array msg = root->get_array().value_unsafe();
        if (msg.size() == 0) return invalid("message is an empty array");
        std::string_view type;
        WSN_TRY(read_string(msg.at(0).value_unsafe(), "message type", type));
        return std::pair{msg, type};
    }
};

Parser::Parser(Limits limits) : limits_(limits), impl_(std::make_unique<Impl>(limits_)) {}
Parser::~Parser() = default;
Parser::Parser(Parser&&) noexcept = default;
Parser& Parser::operator=(Parser&&) noexcept = default;

Result<Event> Parser::parse_event(std::string_view json) {
    auto root = impl_->parse(json, limits_);
    if (!root) return root.error();
    Event e;
    WSN_TRY(read_event(*root, limits_, e));
    WSN_TRY(check_event_size(trim_ws(json), limits_));
    return e;
}

Result<Filter> Parser::parse_filter(std::string_view json) {
    auto root = impl_->parse(json, limits_);
    if (!root) return root.error();
    Filter f;
    WSN_TRY(read_filter(*root, limits_, f));
    return f;
}

Result<ClientMessage> Parser::parse_client_message(std::string_view json) {
    using Command = ErrorContext::Command;
    context_ = {};
    auto parsed = impl_->parse_message(json, limits_);
    if (!parsed) return parsed.error();
    array msg = parsed->first;
    std::string_view type = parsed->second;
    auto at = [&](size_t i) { return msg.at(i).value_unsafe(); };

    if (type == "EVENT" || type == "AUTH") {
        bool is_event = type == "EVENT";
        context_.command = is_event ? Command::event : Command::auth;
        WSN_TRY(expect_size(msg, type, 2));
        Event e;
        if (Status s = read_event(at(1), limits_, e); !s) {
            // Let the relay answer OK false when the id itself was readable.
            Id id;
            if (at(1).type() == element_type::OBJECT)
                if (auto v = at(1)["id"]; !v.error() && read_hex(v.value_unsafe(), "id", id)) context_.event_id = id;
            return s.error();
        }
        if (!is_event) return ClientMessage{ClientAuth{std::move(e)}};
        if (Status s = check_event_size(last_object_span(json), limits_); !s) {
            context_.event_id = e.id;
            return s.error();
        }
        return ClientMessage{ClientEvent{std::move(e)}};
    }
    if (type == "REQ" || type == "COUNT") {
        context_.command = type == "REQ" ? Command::req : Command::count;
        if (msg.size() < 2) return invalid("\"" + std::string(type) + "\" message needs a subscription id");
        std::string sub;
        WSN_TRY(read_sub_id(at(1), limits_, sub));
        context_.sub_id = sub;
        std::vector<Filter> filters;
        WSN_TRY(read_filters(msg, 2, limits_, filters));
        if (type == "REQ") return ClientMessage{ClientReq{std::move(sub), std::move(filters)}};
        return ClientMessage{ClientCount{std::move(sub), std::move(filters)}};
    }
    if (type == "NEG-OPEN" || type == "NEG-MSG" || type == "NEG-CLOSE") {
        context_.command = Command::neg;
        if (msg.size() < 2) return invalid("\"" + std::string(type) + "\" message needs a subscription id");
        std::string sub;
        WSN_TRY(read_sub_id(at(1), limits_, sub));
        context_.sub_id = sub;
        if (type == "NEG-CLOSE") {
            WSN_TRY(expect_size(msg, type, 2));
            return ClientMessage{ClientNegClose{std::move(sub)}};
        }
        bool open = type == "NEG-OPEN";
        WSN_TRY(expect_size(msg, type, open ? 4 : 3));
        std::string bytes;
        WSN_TRY(read_neg_message(at(open ? 3 : 2), bytes));
        if (!open) return ClientMessage{ClientNegMsg{std::move(sub), std::move(bytes)}};
        Filter f;
        WSN_TRY(read_filter(at(2), limits_, f));
        return ClientMessage{ClientNegOpen{std::move(sub), std::move(f), std::move(bytes)}};
    }
    if (type == "CLOSE") {
        context_.command = Command::close;
        WSN_TRY(expect_size(msg, type, 2));
        ClientClose c;
        WSN_TRY(read_sub_id(at(1), limits_, c.sub_id));
        return ClientMessage{std::move(c)};
    }
    return invalid("unknown message type \"" + printable(type) + "\"");
}

Result<RelayMessage> Parser::parse_relay_message(std::string_view json) {
    auto parsed = impl_->parse_message(json, limits_);
    if (!parsed) return parsed.error();
    array msg = parsed->first;
    std::string_view type = parsed->second;
    auto at = [&](size_t i) { return msg.at(i).value_unsafe(); };
    auto text = [&](size_t i, std::string_view what, std::string& out) -> Status {
        std::string_view s;
        WSN_TRY(read_string(at(i), what, s));
        out = s;
        return Ok{};
    };

    if (type == "EVENT") {
        WSN_TRY(expect_size(msg, type, 3));
        RelayEvent m;
        WSN_TRY(read_sub_id(at(1), limits_, m.sub_id));
        WSN_TRY(read_event(at(2), limits_, m.event));
        return RelayMessage{std::move(m)};
    }
    if (type == "OK") {
        WSN_TRY(expect_size(msg, type, 4));
        RelayOk m;
        WSN_TRY(read_hex(at(1), "event id", m.event_id));
        if (at(2).type() != element_type::BOOL) return wrong_type("OK status", "a boolean", at(2));
        m.accepted = at(2).get_bool().value_unsafe();
        WSN_TRY(text(3, "OK message", m.message));
        return RelayMessage{std::move(m)};
    }
    if (type == "EOSE") {
        WSN_TRY(expect_size(msg, type, 2));
        RelayEose m;
        WSN_TRY(read_sub_id(at(1), limits_, m.sub_id));
        return RelayMessage{std::move(m)};
    }
    if (type == "CLOSED") {
        WSN_TRY(expect_size(msg, type, 3));
        RelayClosed m;
        WSN_TRY(read_sub_id(at(1), limits_, m.sub_id));
        WSN_TRY(text(2, "CLOSED message", m.message));
        return RelayMessage{std::move(m)};
    }
    if (type == "NOTICE") {
        WSN_TRY(expect_size(msg, type, 2));
        RelayNotice m;
        WSN_TRY(text(1, "NOTICE message", m.message));
        return RelayMessage{std::move(m)};
    }
    if (type == "COUNT") {
        WSN_TRY(expect_size(msg, type, 3));
        RelayCount m;
        WSN_TRY(read_sub_id(at(1), limits_, m.sub_id));
        element body = at(2);
        if (body.type() != element_type::OBJECT) return wrong_type("COUNT result", "an object", body);
        auto count = body["count"];
        if (count.error()) return invalid("COUNT result needs \"count\"");
        int64_t n = 0;
        WSN_TRY(read_int(count.value_unsafe(), "count", 0, INT64_MAX, n));
        m.count = static_cast<uint64_t>(n);
        if (auto approx = body["approximate"]; !approx.error()) {
            if (approx.value_unsafe().type() != element_type::BOOL)
                return wrong_type("approximate", "a boolean", approx.value_unsafe());
            m.approximate = approx.value_unsafe().get_bool().value_unsafe();
        }
        if (auto hll = body["hll"]; !hll.error()) {
            std::string_view hex;
            if (hll.value_unsafe().get(hex) != simdjson::SUCCESS) return wrong_type("hll", "a string", hll.value_unsafe());
            m.hll = from_hex_fixed<256>(hex);
            if (!m.hll) return invalid("hll must be 512 hex characters (256 registers)");
        }
        return RelayMessage{std::move(m)};
    }
    if (type == "NEG-MSG") {
        WSN_TRY(expect_size(msg, type, 3));
        RelayNegMsg m;
        WSN_TRY(read_sub_id(at(1), limits_, m.sub_id));
        WSN_TRY(read_neg_message(at(2), m.message));
        return RelayMessage{std::move(m)};
    }
    if (type == "NEG-ERR") {
        WSN_TRY(expect_size(msg, type, 3));
        RelayNegErr m;
        WSN_TRY(read_sub_id(at(1), limits_, m.sub_id));
        WSN_TRY(text(2, "NEG-ERR message", m.message));
        return RelayMessage{std::move(m)};
    }
    if (type == "AUTH") {
        WSN_TRY(expect_size(msg, type, 2));
        RelayAuth m;
        WSN_TRY(text(1, "AUTH challenge", m.challenge));
        return RelayMessage{std::move(m)};
    }
    return invalid("unknown message type \"" + printable(type) + "\"");
}

}  // namespace wsn::nostr
