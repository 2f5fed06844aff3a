#include "relay/moderation.hpp"

#include <simdjson.h>

#include "nostr/event.hpp"
#include "relay/config.hpp"
#include "relay/real_ip.hpp"
#include "store/store.hpp"

namespace wsn::relay {

namespace {

void append_list(std::string& out, std::string_view name, std::string_view field,
                 const std::map<std::string, std::string>& m) {
    out += '"';
    out += name;
    out += "\":[";
    for (const auto& [k, reason] : m) {
        out += "{\"";
        out += field;
        out += "\":";
        nostr::append_json_string(out, k);
        out += ",\"reason\":";
        nostr::append_json_string(out, reason);
        out += "},";
    }
    if (out.back() == ',') out.pop_back();
    out += "],";
}

void append_kinds(std::string& out, std::string_view name, const std::set<uint16_t>& kinds) {
    out += '"';
    out += name;
    out += "\":[";
    for (uint16_t k : kinds) out += std::to_string(k) + ',';
    if (out.back() == ',') out.pop_back();
    out += "],";
}

using simdjson::dom::element;

Status read_list(element doc, std::string_view name, std::string_view field, std::map<std::string, std::string>& m) {
    element arr;
    if (doc[name].get(arr)) return Ok{};  // absent: empty
    simdjson::dom::array items;
    if (arr.get(items)) return err(std::string(name) + " is not an array");
    for (element item : items) {
        std::string_view k, reason;
        if (item[field].get(k)) return err(std::string(name) + ": an entry has no " + std::string(field));
        if (item["reason"].get(reason)) reason = "";
        m[std::string(k)] = std::string(reason);
    }
    return Ok{};
}

Status read_kinds(element doc, std::string_view name, std::set<uint16_t>& kinds) {
    simdjson::dom::array items;
    if (doc[name].get(items)) return Ok{};
    for (element item : items) {
        uint64_t k;
        if (item.get(k) || k > 65535) return err(std::string(name) + ": not a kind number");
        kinds.insert(uint16_t(k));
    }
    return Ok{};
}

}  // namespace

bool Moderation::blocks_ip(std::string_view ip) const {
    if (blocked_ips.empty()) return false;
    auto addr = parse_hop(ip);
    if (!addr) return false;
    for (const auto& [block, reason] : blocked_ips)
        if (auto n = parse_ip_network(block); n && n->contains(*addr)) return true;
    return false;
}

void Moderation::apply_info(Config& cfg) const {
    if (name) cfg.name = *name;
    if (description) cfg.description = *description;
    if (icon) cfg.icon = *icon;
}

std::string to_json(const Moderation& m) {
    std::string out = "{";
    append_list(out, "banned_pubkeys", "pubkey", m.banned_pubkeys);
    append_list(out, "allowed_pubkeys", "pubkey", m.allowed_pubkeys);
    append_list(out, "banned_events", "id", m.banned_events);
    append_list(out, "allowed_events", "id", m.allowed_events);
    append_kinds(out, "allowed_kinds", m.allowed_kinds);
    append_kinds(out, "disallowed_kinds", m.disallowed_kinds);
    append_list(out, "blocked_ips", "ip", m.blocked_ips);
    for (auto [name, v] : {std::pair{"name", &m.name}, {"description", &m.description}, {"icon", &m.icon}}) {
        if (!*v) continue;
        out += '"';
        out += name;
        out += "\":";
        nostr::append_json_string(out, **v);
        out += ',';
    }
    out.back() = '}';
    return out;
}

Result<Moderation> moderation_from_json(std::string_view json) {
    Moderation m;
    if (json.empty()) return m;  // never set
    simdjson::dom::parser parser;
    element doc;
    if (parser.parse(json.data(), json.size()).get(doc) || !doc.is_object())
        return err("the stored NIP-86 state is not a JSON object");
    for (auto [name, field, list] : {std::tuple{"banned_pubkeys", "pubkey", &m.banned_pubkeys},
                                     {"allowed_pubkeys", "pubkey", &m.allowed_pubkeys},
                                     {"banned_events", "id", &m.banned_events},
                                     {"allowed_events", "id", &m.allowed_events},
                                     {"blocked_ips", "ip", &m.blocked_ips}})
        if (auto s = read_list(doc, name, field, *list); !s) return err("the stored NIP-86 state: " + s.error().message);
    for (auto [name, kinds] : {std::pair{"allowed_kinds", &m.allowed_kinds}, {"disallowed_kinds", &m.disallowed_kinds}})
        if (auto s = read_kinds(doc, name, *kinds); !s) return err("the stored NIP-86 state: " + s.error().message);
    for (auto [name, v] : {std::pair{"name", &m.name}, {"description", &m.description}, {"icon", &m.icon}}) {
        std::string_view s;
        if (!doc[name].get(s)) *v = std::string(s);
    }
    return m;
}

// One setting in the store, so several frontends of one PostgreSQL database share it.
constexpr std::string_view kSetting = "nip86";

Result<Moderation> load_moderation(const store::Store& st) {
    auto json = st.setting(kSetting);
    if (!json) return json.error();
    return moderation_from_json(*json);
}

Status save_moderation(store::Store& st, const Moderation& m) { return st.put_setting(kSetting, to_json(m)); }

}  // namespace wsn::relay
