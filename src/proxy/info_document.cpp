#include "proxy/info_document.hpp"

#include <simdjson.h>

#include "nostr/event.hpp"

namespace wsn::proxy {

std::string gateway_info_document(std::string_view upstream, const crypto::XOnlyPubkey& self,
                                  const std::vector<std::string>& addresses) {
    std::string out = "{";
    simdjson::dom::parser parser;
    simdjson::dom::object obj;
    if (!upstream.empty() && !parser.parse(upstream.data(), upstream.size()).get_object().get(obj)) {
        for (auto field : obj) {
            if (field.key == "self" || field.key == kInfoAddressesKey) continue;
            nostr::append_json_string(out, field.key);
            out += ':';
            out += simdjson::minify(field.value);
            out += ',';
        }
    }
    out += "\"self\":\"" + self.hex() + "\",";
    nostr::append_json_string(out, kInfoAddressesKey);
    out += ":[";
    for (size_t i = 0; i < addresses.size(); ++i) {
        if (i) out += ',';
        nostr::append_json_string(out, addresses[i]);
    }
    out += "]}";
    return out;
}

}  // namespace wsn::proxy
