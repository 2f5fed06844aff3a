#include "relay/management.hpp"

#include <functional>
#include <vector>

#include <simdjson.h>

#include "nostr/event.hpp"
#include "relay/real_ip.hpp"
#include "util/hex.hpp"

namespace wsn::relay {

namespace {

using simdjson::dom::element;

struct Params {
    std::vector<element> values;
    Result<std::string> text(size_t i, std::string_view what) const {
        std::string_view s;
        if (i >= values.size() || values[i].get(s)) return err("params[" + std::to_string(i) + "] must be " + std::string(what));
        return std::string(s);
    }
    std::string optional_text(size_t i) const {
        std::string_view s;
        return i < values.size() && !values[i].get(s) ? std::string(s) : std::string();
    }
};

Result<std::string> hex32(const Params& p, std::string_view what) {
    auto s = p.text(0, what);
    if (!s) return s;
    if (!is_lower_hex(*s, 32))
        return err("params[0] must be " + std::string(what) + " (64 lowercase hex characters)");
    return s;
}

std::string result(std::string json) { return "{\"result\":" + json + "}"; }
std::string failure(std::string_view why) {
    std::string out = "{\"result\":null,\"error\":";
    nostr::append_json_string(out, why);
    return out + "}";
}

std::string list_json(const std::map<std::string, std::string>& m, std::string_view field) {
    std::string out = "[";
    for (const auto& [k, reason] : m) {
        out += "{\"" + std::string(field) + "\":";
        nostr::append_json_string(out, k);
        if (!reason.empty()) {
            out += ",\"reason\":";
            nostr::append_json_string(out, reason);
        }
        out += "},";
    }
    if (out.back() == ',') out.pop_back();
    return out + "]";
}

std::string kinds_json(const std::set<uint16_t>& kinds) {
    std::string out = "[";
    for (uint16_t k : kinds) out += std::to_string(k) + ",";
    if (out.back() == ',') out.pop_back();
    return out + "]";
}

// One method: changes `m` (the call's copy) and returns the result JSON, or an error.
using Method = std::function<Result<std::string>(Moderation& m, const Params& p, ManagementCall& call)>;

// A method that moves a key into one list and out of its opposite (ban/allow), or out of one (unban).
Method put_in(std::map<std::string, std::string> Moderation::*into, std::map<std::string, std::string> Moderation::*out_of,
              std::string_view what) {
    return [=](Moderation& m, const Params& p, ManagementCall&) -> Result<std::string> {
        auto k = hex32(p, what);
        if (!k) return k.error();
        (m.*into)[*k] = p.optional_text(1);
        if (out_of) (m.*out_of).erase(*k);
        return std::string("true");
    };
}
Method take_out(std::map<std::string, std::string> Moderation::*from, std::string_view what) {
    return [=](Moderation& m, const Params& p, ManagementCall&) -> Result<std::string> {
        auto k = hex32(p, what);
        if (!k) return k.error();
        (m.*from).erase(*k);
        return std::string("true");
    };
}
Method list(std::map<std::string, std::string> Moderation::*from, std::string_view field) {
    return [=](Moderation& m, const Params&, ManagementCall&) -> Result<std::string> { return list_json(m.*from, field); };
}
Method kind_to(std::set<uint16_t> Moderation::*into, std::set<uint16_t> Moderation::*out_of) {
    return [=](Moderation& m, const Params& p, ManagementCall&) -> Result<std::string> {
        uint64_t k;
        if (p.values.empty() || p.values[0].get(k) || k > 65535) return err("params[0] must be a kind number (0 to 65535)");
        (m.*into).insert(uint16_t(k));
        (m.*out_of).erase(uint16_t(k));
        return std::string("true");
    };
}
Method kinds(std::set<uint16_t> Moderation::*from) {
    return [=](Moderation& m, const Params&, ManagementCall&) -> Result<std::string> { return kinds_json(m.*from); };
}
Method change(std::optional<std::string> Moderation::*field, std::string_view what) {
    return [=](Moderation& m, const Params& p, ManagementCall&) -> Result<std::string> {
        auto v = p.text(0, what);
        if (!v) return v.error();
        m.*field = std::move(*v);
        return std::string("true");
    };
}

using M = Moderation;

const std::vector<std::pair<std::string_view, Method>>& methods() {
    static const std::vector<std::pair<std::string_view, Method>> all = {
        {"banpubkey", put_in(&M::banned_pubkeys, &M::allowed_pubkeys, "a pubkey")},
        {"unbanpubkey", take_out(&M::banned_pubkeys, "a pubkey")},
        {"listbannedpubkeys", list(&M::banned_pubkeys, "pubkey")},
        {"allowpubkey", put_in(&M::allowed_pubkeys, &M::banned_pubkeys, "a pubkey")},
        {"unallowpubkey", take_out(&M::allowed_pubkeys, "a pubkey")},
        {"listallowedpubkeys", list(&M::allowed_pubkeys, "pubkey")},
        {"banevent",
         [](Moderation& m, const Params& p, ManagementCall& call) -> Result<std::string> {
             auto r = put_in(&M::banned_events, &M::allowed_events, "an event id")(m, p, call);
             if (r) call.banned_event = *p.text(0, "");
             return r;
         }},
        {"unbanevent", take_out(&M::banned_events, "an event id")},
        {"allowevent", put_in(&M::allowed_events, &M::banned_events, "an event id")},
        {"unallowevent", take_out(&M::allowed_events, "an event id")},
        {"listbannedevents", list(&M::banned_events, "id")},
        {"listallowedevents", list(&M::allowed_events, "id")},
        // Nothing waits for moderation here: events are taken or refused when they arrive.
        {"listeventsneedingmoderation", [](Moderation&, const Params&, ManagementCall&) -> Result<std::string> { return std::string("[]"); }},
        {"allowkind", kind_to(&M::allowed_kinds, &M::disallowed_kinds)},
        {"disallowkind", kind_to(&M::disallowed_kinds, &M::allowed_kinds)},
        {"listallowedkinds", kinds(&M::allowed_kinds)},
        {"listdisallowedkinds", kinds(&M::disallowed_kinds)},
        {"blockip",
         [](Moderation& m, const Params& p, ManagementCall&) -> Result<std::string> {
             auto ip = p.text(0, "an IP address");
             if (!ip) return ip.error();
             if (auto n = parse_ip_network(*ip); !n) return err("params[0]: " + n.error().message);
             m.blocked_ips[*ip] = p.optional_text(1);
             return std::string("true");
         }},
        {"unblockip",
         [](Moderation& m, const Params& p, ManagementCall&) -> Result<std::string> {
             auto ip = p.text(0, "an IP address");
             if (!ip) return ip.error();
             m.blocked_ips.erase(*ip);
             return std::string("true");
         }},
        {"listblockedips", list(&M::blocked_ips, "ip")},
        {"changerelayname", change(&M::name, "the new name")},
        {"changerelaydescription", change(&M::description, "the new description")},
        {"changerelayicon", change(&M::icon, "the new icon URL")},
    };
    return all;
}

}  // namespace

ManagementCall call_management(const Moderation& now, std::string_view body) {
    ManagementCall call;
    simdjson::dom::parser parser;
    element doc;
    std::string_view name;
    simdjson::dom::array params;
    if (parser.parse(body.data(), body.size()).get(doc) || !doc.is_object()) {
        call.response = failure("the request is not a JSON object");
        return call;
    }
    if (doc["method"].get(name)) {
        call.response = failure("the request has no method");
        return call;
    }
    Params p;
    if (element e; !doc["params"].get(e)) {
        if (e.get(params)) {
            call.response = failure("params must be an array");
            return call;
        }
        for (element v : params) p.values.push_back(v);
    }
    if (name == "supportedmethods") {
        std::string out = "[\"supportedmethods\"";
        for (const auto& [n, f] : methods()) out += ",\"" + std::string(n) + "\"";
        call.response = result(out + "]");
        return call;
    }
    for (const auto& [n, f] : methods()) {
        if (n != name) continue;
        Moderation next = now;
        auto r = f(next, p, call);
        if (!r) {
            call.banned_event.reset();
            call.response = failure(r.error().message);
            return call;
        }
        if (!(next == now)) call.changed = std::move(next);
        call.response = result(std::move(*r));
        return call;
    }
    call.response = failure("unknown method: " + std::string(name));
    return call;
}

}  // namespace wsn::relay
