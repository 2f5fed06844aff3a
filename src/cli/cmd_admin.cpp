// `wsn admin URI METHOD [PARAM...] --key FILE`: one NIP-86 management call, signed with
// NIP-98 by the admin's key, to the relay at URI (its HTTP side: the same host and port).
// Prints the result as one JSON line; an error answer goes to stderr with exit code 1.
#include <charconv>

#include <CLI/CLI.hpp>
#include <simdjson.h>

#include "cli/client_flags.hpp"
#include "cli/client_run.hpp"
#include "cli/commands.hpp"
#include "nostr/nip98.hpp"
#include "util/clock.hpp"
#include "wsn/net/info_fetch.hpp"

namespace wsn::cli {

namespace {

struct AdminFlags {
    std::string uri, method;
    std::vector<std::string> params;
    ConnectFlags connect;
};

// Kind methods take numbers; everything else strings.
std::string request_json(const AdminFlags& f) {
    const bool numeric = f.method == "allowkind" || f.method == "disallowkind";
    std::string out = "{\"method\":";
    nostr::append_json_string(out, f.method);
    out += ",\"params\":[";
    for (const std::string& p : f.params) {
        unsigned v;
        auto r = std::from_chars(p.data(), p.data() + p.size(), v);
        if (numeric && r.ec == std::errc() && r.ptr == p.data() + p.size()) out += std::to_string(v);
        else nostr::append_json_string(out, p);
        out += ',';
    }
    if (out.back() == ',') out.pop_back();
    return out + "]}";
}

int run(const AdminFlags& f) {
    auto addr = parse_relay_url(f.uri);
    if (!addr) return fail("'" + f.uri + "': " + addr.error().message, exit_usage);
    if (f.connect.key_file.empty()) return fail("--key FILE is needed: the admin's key signs the call (NIP-98)", exit_usage);
    auto opts = client_options(f.connect);
    if (!opts) return fail(opts.error().message, exit_usage);
    net::HttpCall call;
    call.method = "POST";
    call.content_type = "application/nostr+json+rpc";
    call.accept = "application/nostr+json+rpc";
    call.body = request_json(f);
    const std::string url = std::string(addr->tls() ? "https://" : "http://") +
                            format_host_port(addr->host.name, addr->port) + addr->path;
    call.authorization = nostr::make_http_auth(*opts->key, url, "POST", call.body, wsn::unix_now());
    net::FetchOptions fo;
    fo.socks5_proxy = opts->socks5_proxy;
    fo.timeout = opts->connect_timeout;
    fo.tls_ca_file = opts->tls_ca_file;
    auto got = net::http_call_blocking(*addr, call, fo);
    if (!got) {
        tell(f.uri, got.error().message);
        return exit_unreachable;
    }
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(got->body).get(doc) || !doc.is_object()) {
        tell(f.uri, "HTTP " + std::to_string(got->status) + ", not a NIP-86 answer" +
                        (got->status == 404 ? " (does the relay have admins configured?)" : ""));
        return exit_refused;
    }
    std::string_view error;
    if (!doc["error"].get(error) && !error.empty()) {
        tell(f.uri, "HTTP " + std::to_string(got->status) + ": " + std::string(error));
        return exit_refused;
    }
    simdjson::dom::element result;
    if (doc["result"].get(result)) {
        tell(f.uri, "the answer has no result");
        return exit_refused;
    }
    print_line(simdjson::minify(result));
    return exit_ok;
}

}  // namespace

void register_admin(CLI::App& app, Dispatch& dispatch) {
    auto f = std::make_shared<AdminFlags>();
    auto* c = app.add_subcommand("admin", "Call the relay's NIP-86 management API (signed with NIP-98 by --key)");
    c->add_option("uri", f->uri, "Relay URI: wsn://npub1...@host:port, wsns://, ws://, wss://")->required();
    c->add_option("method", f->method, "supportedmethods, banpubkey, allowkind, changerelayname, ... (docs/relay.md)")
        ->required();
    c->add_option("params", f->params, "The method's parameters: a pubkey or event id in hex, a kind, an IP, a reason");
    add_connect_flags(*c, f->connect);
    dispatch.on(c, [f] { return run(*f); });
}

}  // namespace wsn::cli
