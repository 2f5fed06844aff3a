// Compact JSON of NIP-01 messages.
#include "nostr/message.hpp"

#include <charconv>

#include "util/hex.hpp"

namespace wsn::nostr {

namespace {

template <class... F>
struct Overload : F... {
    using F::operator()...;
};
template <class... F>
Overload(F...) -> Overload<F...>;  // clang does not deduce aggregates yet

void append_type_and_sub(std::string& out, std::string_view type, std::string_view sub_id) {
    out += "[\"";
    out += type;
    out += "\",";
    append_json_string(out, sub_id);
}

void append_filters(std::string& out, std::string_view type, const std::string& sub, const std::vector<Filter>& fs) {
    append_type_and_sub(out, type, sub);
    for (const Filter& f : fs) {
        out += ',';
        append_json(out, f);
    }
    out += ']';
}

// ,"<hex>"] closing a NEG-OPEN or NEG-MSG.
void append_hex_field(std::string& out, std::string_view bytes) {
    out += ",\"";
    out += to_hex(std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
    out += "\"]";
}

}  // namespace

std::string to_json(const ClientMessage& m) {
    std::string out;
    std::visit(Overload{
                   [&](const ClientEvent& c) {
                       out += "[\"EVENT\",";
                       append_json(out, c.event);
                       out += ']';
                   },
                   [&](const ClientReq& c) { append_filters(out, "REQ", c.sub_id, c.filters); },
                   [&](const ClientClose& c) {
                       append_type_and_sub(out, "CLOSE", c.sub_id);
                       out += ']';
                   },
                   [&](const ClientCount& c) { append_filters(out, "COUNT", c.sub_id, c.filters); },
                   [&](const ClientAuth& c) {
                       out += "[\"AUTH\",";
                       append_json(out, c.event);
                       out += ']';
                   },
                   [&](const ClientNegOpen& c) {
                       append_type_and_sub(out, "NEG-OPEN", c.sub_id);
                       out += ',';
                       append_json(out, c.filter);
                       append_hex_field(out, c.message);
                   },
                   [&](const ClientNegMsg& c) {
                       append_type_and_sub(out, "NEG-MSG", c.sub_id);
                       append_hex_field(out, c.message);
                   },
                   [&](const ClientNegClose& c) {
                       append_type_and_sub(out, "NEG-CLOSE", c.sub_id);
                       out += ']';
                   },
               },
               m);
    return out;
}

std::string to_json(const RelayMessage& m) {
    std::string out;
    std::visit(Overload{
                   [&](const RelayEvent& r) {
                       append_type_and_sub(out, "EVENT", r.sub_id);
                       out += ',';
                       append_json(out, r.event);
                       out += ']';
                   },
                   [&](const RelayOk& r) { append_ok_message(out, r.event_id, r.accepted, r.message); },
                   [&](const RelayEose& r) {
                       append_type_and_sub(out, "EOSE", r.sub_id);
                       out += ']';
                   },
                   [&](const RelayClosed& r) {
                       append_type_and_sub(out, "CLOSED", r.sub_id);
                       out += ',';
                       append_json_string(out, r.message);
                       out += ']';
                   },
                   [&](const RelayNotice& r) {
                       out += "[\"NOTICE\",";
                       append_json_string(out, r.message);
                       out += ']';
                   },
                   [&](const RelayCount& r) {
                       append_type_and_sub(out, "COUNT", r.sub_id);
                       char buf[24];
                       auto end = std::to_chars(buf, buf + sizeof buf, r.count).ptr;
                       out += ",{\"count\":";
                       out.append(buf, end);
                       if (r.approximate) out += *r.approximate ? ",\"approximate\":true" : ",\"approximate\":false";
                       if (r.hll) {
                           out += ",\"hll\":\"";
                           out += to_hex(*r.hll);
                           out += '"';
                       }
                       out += "}]";
                   },
                   [&](const RelayAuth& r) {
                       out += "[\"AUTH\",";
                       append_json_string(out, r.challenge);
                       out += ']';
                   },
                   [&](const RelayNegMsg& r) {
                       append_type_and_sub(out, "NEG-MSG", r.sub_id);
                       append_hex_field(out, r.message);
                   },
                   [&](const RelayNegErr& r) {
                       append_type_and_sub(out, "NEG-ERR", r.sub_id);
                       out += ',';
                       append_json_string(out, r.message);
                       out += ']';
                   },
               },
               m);
    return out;
}

void append_event_message_head(std::string& out, std::string_view sub_id) {
    append_type_and_sub(out, "EVENT", sub_id);
    out += ',';
}

void append_event_message(std::string& out, std::string_view sub_id, std::string_view event_json) {
    out.reserve(out.size() + sub_id.size() + event_json.size() + 16);
    append_event_message_head(out, sub_id);
    out += event_json;
    out += ']';
}

void append_ok_message(std::string& out, const Id& id, bool accepted, std::string_view message) {
    out += "[\"OK\",\"";
    out += to_hex(id);
    out += accepted ? "\",true," : "\",false,";
    append_json_string(out, message);
    out += ']';
}

}  // namespace wsn::nostr
