// `wsn info URI`: the relay's NIP-11 document, as one JSON line. For wsn:// and wsns://
// the document's `self` is compared with the key in the address.
#include <CLI/CLI.hpp>
#include <simdjson.h>

#include "cli/client_flags.hpp"
#include "cli/client_run.hpp"
#include "cli/commands.hpp"
#include "nostr/nip19.hpp"
#include "wsn/net/info_fetch.hpp"

namespace wsn::cli {

namespace {

struct InfoFlags {
    std::string uri;
    ConnectFlags connect;
};

int run(const InfoFlags& f) {
    auto addr = parse_relay_url(f.uri);
    if (!addr) return fail("'" + f.uri + "': " + addr.error().message, exit_usage);
    auto opts = client_options(f.connect);
    if (!opts) return fail(opts.error().message, exit_usage);
    if (addr->key_only()) {
        // Found by its key: connect (the handshake proves the key), then ask that address.
        auto c = net::BlockingClient::connect(f.uri, *opts);
        if (!c) {
            tell(f.uri, c.error().message);
            return exit_unreachable;
        }
        addr = c->address();
    }
    net::FetchOptions fo;
    fo.socks5_proxy = opts->socks5_proxy;
    fo.timeout = opts->connect_timeout;
    fo.tls_ca_file = opts->tls_ca_file;
    simdjson::dom::parser parser;
    simdjson::dom::object obj;
    bool answered = false;  // the failure is the answer's, not the connection's
    // The document from `at`, parsed into obj, or why there is none.
    auto fetch = [&](const Address& at) -> Result<std::string> {
        auto doc = net::fetch_info_document_blocking(at, fo);
        if (!doc) return doc.error();
        answered = true;
        if (parser.parse(*doc).get_object().get(obj)) return err("the answer is not a JSON object (not a NIP-11 document)");
        return doc;
    };
    auto doc = fetch(*addr);
    std::string_view self;
    const bool wrong_self = doc && addr->key && !obj["self"].get_string().get(self) && self != addr->key->hex();
    if ((!doc || wrong_self) && addr->key && !addr->key_only() && opts->resolver) {
        // The host failed or speaks for another key: find the relay by its key, as the other
        // client commands do (the handshake proves it), and ask the address that worked.
        if (auto c = net::BlockingClient::connect(f.uri, *opts); c && !(c->address() == *addr)) {
            tell(f.uri, "not at this address; found by its key at " + format_address(c->address()));
            addr = c->address();
            answered = false;
            doc = fetch(*addr);
        }
    }
    if (!doc) {
        tell(f.uri, doc.error().message);
        return answered ? exit_refused : exit_unreachable;
    }
    print_line(simdjson::minify(obj));
    if (!addr->key) return exit_ok;
    if (obj["self"].get_string().get(self)) {
        tell(f.uri, "warning: the document has no `self` key, so it cannot be compared with the address");
        return exit_ok;
    }
    if (self != addr->key->hex()) {
        auto shown = crypto::parse_xonly_hex(self);
        tell(f.uri, "the document's self (" + (shown ? nostr::encode_npub(*shown) : std::string(self)) +
                        ") is not the key in the address (" + nostr::encode_npub(*addr->key) + ")");
        return exit_refused;
    }
    return exit_ok;
}

}  // namespace

void register_info(CLI::App& app, Dispatch& dispatch) {
    auto f = std::make_shared<InfoFlags>();
    auto* c = app.add_subcommand("info", "Fetch a relay's NIP-11 information document (one JSON line)");
    c->add_option("uri", f->uri, "Relay URI: wsn://npub1...@host:port, wsn://npub1... (found by its key), wsns://, ws://, wss://")->required();
    c->add_option("--socks5", f->connect.socks5, "Connect through a SOCKS5 proxy HOST:PORT (Tor: 127.0.0.1:9050)");
    c->add_option("--timeout", f->connect.timeout_seconds, "Seconds to wait for the document")->capture_default_str();
    c->add_option("--tls-ca", f->connect.tls_ca, "wss: also trust the certificates in this PEM file");
    add_directory_flag(*c, f->connect);
    dispatch.on(c, [f] { return run(*f); });
}

}  // namespace wsn::cli
