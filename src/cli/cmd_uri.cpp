// `wsn uri parse URI` and `wsn uri format --key K --host H ...`: wsn:// addresses.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "cli/commands.hpp"
#include "nostr/nip19.hpp"
#include "wsn/address.hpp"

namespace wsn::cli {
namespace {

// A JSON string literal. Parsed addresses hold printable ASCII only; escape anyway.
std::string json_string(std::string_view s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x20) {
            out += fmt::format("\\u{:04x}", c);
        } else {
            out += static_cast<char>(c);
        }
    }
    return out + "\"";
}

// A key-only address has no host, host_kind or port: those are null.
std::string to_json(const Address& a) {
    auto key = [&](auto f) { return a.key ? json_string(f(*a.key)) : std::string("null"); };
    const bool ko = a.key_only();
    return fmt::format(
        "{{\n"
        "  \"uri\": {},\n"
        "  \"scheme\": \"{}\",\n"
        "  \"tls\": {},\n"
        "  \"key_only\": {},\n"
        "  \"npub\": {},\n"
        "  \"pubkey\": {},\n"
        "  \"host\": {},\n"
        "  \"host_kind\": {},\n"
        "  \"port\": {},\n"
        "  \"path\": {}\n"
        "}}\n",
        json_string(format_address(a)), scheme_name(a.scheme), a.tls() ? "true" : "false", ko ? "true" : "false",
        key([](const crypto::XOnlyPubkey& k) { return nostr::encode_npub(k); }),
        key([](const crypto::XOnlyPubkey& k) { return k.hex(); }), ko ? "null" : json_string(a.host.name),
        ko ? "null" : json_string(host_kind_name(a.host.kind)), ko ? "null" : std::to_string(a.port),
        json_string(a.path));
}

struct FormatFlags {
    std::string key, host, port, path = "/";
    bool tls = false;
};

Result<Address> build(const FormatFlags& f) {
    Address a;
    a.scheme = f.tls ? Scheme::wsns : Scheme::wsn;
    auto key = parse_key(f.key);
    if (!key) return key.error();
    a.key = *key;
    auto path = parse_path(f.path);
    if (!path) return path.error();
    a.path = *path;
    if (f.host.empty()) {  // key-only
        if (!f.port.empty()) return err("--port needs --host (a key-only address has no port)");
        a.host = Host{};
        a.port = 0;
        return a;
    }
    // On the command line an IPv6 address is unambiguous without brackets.
    auto host = parse_host(f.host.starts_with('[') ? f.host : format_host(f.host));
    if (!host) return host.error();
    a.host = *host;
    a.port = default_port(a.scheme);
    if (!f.port.empty()) {
        auto port = parse_port(f.port);
        if (!port) return port.error();
        a.port = *port;
    }
    return a;
}

}  // namespace

void register_uri(CLI::App& app, Dispatch& dispatch) {
    auto* uri = app.add_subcommand("uri", "Parse and format wsn:// addresses");
    uri->require_subcommand(1);

    auto text = std::make_shared<std::string>();
    auto* parse = uri->add_subcommand("parse", "Check an address (wsn, wsns, ws or wss; wsn://npub1... alone is key-only) and print its parts as JSON");
    parse->add_option("uri", *text, "e.g. wsn://npub1...@203.0.113.5:8443")->required();
    dispatch.on(parse, [text] {
        auto a = parse_relay_url(*text);
        if (!a) return fail(a.error().message);
        fmt::print("{}", to_json(*a));
        return 0;
    });

    auto f = std::make_shared<FormatFlags>();
    auto* format = uri->add_subcommand("format", "Print the canonical wsn:// (or wsns://) address of a relay");
    format->add_option("--key", f->key, "The relay's public key: npub or 64 lowercase hex")->required();
    format->add_option("--host", f->host, "IPv4, IPv6, DNS name or v3 .onion name (none: a key-only address)");
    format->add_option("--port", f->port, "1..65535 (default 80, or 443 with --tls)");
    format->add_flag("--tls", f->tls, "wsns:// (the wsn protocol inside TLS)");
    format->add_option("--path", f->path, "Path and query (default /)");
    dispatch.on(format, [f] {
        auto a = build(*f);
        if (!a) return fail(a.error().message);
        fmt::print("{}\n", format_address(*a));
        return 0;
    });
}

}  // namespace wsn::cli
