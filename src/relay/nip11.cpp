// The relay's NIP-11 document, written by hand in one pass: every field is a fixed
// name with a value from the config, so a JSON writer would add a dependency and
// nothing else. Its "wsn" field lists the relay's wsn:// addresses (kInfoAddressesKey).
#include "relay/nip11.hpp"

#include "nostr/event.hpp"
#include "nostr/limits.hpp"
#include "wsn/address.hpp"

namespace wsn::relay {

namespace {

// Appends `"key":` after a comma when the object already has members.
void key(std::string& out, std::string_view k) {
    if (out.back() != '{') out += ',';
    nostr::append_json_string(out, k);
    out += ':';
}

void string_field(std::string& out, std::string_view k, std::string_view v, bool omit_empty = true) {
    if (omit_empty && v.empty()) return;
    key(out, k);
    nostr::append_json_string(out, v);
}

void number_field(std::string& out, std::string_view k, uint64_t v) {
    key(out, k);
    out += std::to_string(v);
}

void bool_field(std::string& out, std::string_view k, bool v) {
    key(out, k);
    out += v ? "true" : "false";
}

}  // namespace

std::string nip11_document(const Config& cfg, const crypto::XOnlyPubkey& self,
                           const std::vector<std::string>& wsn_addresses, std::string_view version) {
    std::string out = "{";
    string_field(out, "name", cfg.name);
    string_field(out, "description", cfg.description);
    string_field(out, "pubkey", cfg.operator_pubkey);
    string_field(out, "contact", cfg.contact);
    string_field(out, "icon", cfg.icon);
    string_field(out, "self", self.hex());

    key(out, "supported_nips");
    out += '[';
    for (int n : kSupportedNips) out += std::to_string(n) + ',';
    out.back() = ']';

    string_field(out, "software", cfg.software);
    string_field(out, "version", version);

    key(out, "limitation");
    out += '{';
    number_field(out, "max_message_length", cfg.max_message_bytes);
    number_field(out, "max_subscriptions", cfg.max_subscriptions);
    number_field(out, "max_filters", cfg.max_filters);
    number_field(out, "max_limit", cfg.max_limit);
    number_field(out, "max_subid_length", nostr::Limits{}.max_sub_id_length);
    number_field(out, "max_event_tags", cfg.max_event_tags);
    // NIP-11 counts characters; our limit is in bytes, which is never more lenient.
    number_field(out, "max_content_length", cfg.max_content_bytes);
    bool_field(out, "auth_required", cfg.auth_required_read || cfg.auth_required_write);
    bool_field(out, "payment_required", false);
    // Allow lists and a plugin are conditions a writer has to know about; deny lists
    // and rate limits are anti-spam, which NIP-11 says does not count.
    bool_field(out, "restricted_writes", cfg.auth_required_write || !cfg.allow_pubkeys.empty() ||
                                             !cfg.allow_kinds.empty() || !cfg.write_policy_plugin.empty());
    number_field(out, "created_at_upper_limit", uint64_t(cfg.max_future_seconds));
    number_field(out, "default_limit", cfg.max_limit);
    out += '}';

    key(out, kInfoAddressesKey);
    out += '[';
    for (const std::string& a : wsn_addresses) {
        nostr::append_json_string(out, a);
        out += ',';
    }
    if (out.back() == ',') out.back() = ']';
    else out += ']';
    out += '}';
    return out;
}

bool wants_nip11(std::string_view accept) { return accept.find("application/nostr+json") != std::string_view::npos; }

std::vector<std::pair<std::string, std::string>> nip11_headers() {
    return {{"Access-Control-Allow-Origin", "*"},
            {"Access-Control-Allow-Headers", "*"},
            {"Access-Control-Allow-Methods", "GET, OPTIONS"}};
}

}  // namespace wsn::relay
