// `wsn gateway`: a wsn:// front for an existing relay, forwarding every session to it
// over plain ws.
#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "cli/client_flags.hpp"
#include "cli/client_run.hpp"
#include "cli/stop_signals.hpp"
#include "cli/commands.hpp"
#include "files/key_file.hpp"
#include "proxy/gateway.hpp"
#include "relay/config.hpp"
#include "relay/own_announcement.hpp"

namespace wsn::cli {

namespace {

struct GatewayFlags {
    std::string upstream;
    std::vector<std::string> listen, listen_tls;
    std::string tls_cert, tls_key;
    std::string key_file, data_dir = "wsn-gateway";
    bool allow_plaintext = false;
    std::vector<std::string> announce_to, announce_addresses;
};

Status add_listeners(const std::vector<std::string>& specs, bool tls, net::ServerOptions& so) {
    for (const auto& s : specs) {
        auto l = net::parse_listen_address(s);
        if (!l) return l.error();
        l->tls = tls;
        so.listen.push_back(*l);
    }
    return Ok{};
}

int run(const GatewayFlags& f) {
    proxy::GatewayOptions go;
    go.upstream = f.upstream;
    if (auto a = parse_relay_url(f.upstream); !a)
        return fail("--upstream '" + f.upstream + "': " + a.error().message, exit_usage);
    if (auto s = add_listeners(f.listen, false, go.server); !s) return fail(s.error().message, exit_usage);
    if (auto s = add_listeners(f.listen_tls, true, go.server); !s) return fail(s.error().message, exit_usage);
    if (go.server.listen.empty()) go.server.listen = relay::default_listeners();
    go.server.tls_cert_file = f.tls_cert;
    go.server.tls_key_file = f.tls_key;
    go.server.allow_plaintext = f.allow_plaintext;

    std::string key_file = f.key_file;
    if (key_file.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(f.data_dir, ec);
        if (ec) return fail("cannot create data folder " + f.data_dir + ": " + ec.message());
        key_file = (std::filesystem::path(f.data_dir) / "gateway.key").string();
    }
    auto key = files::read_or_create_key_file(key_file);
    if (!key) return fail(key.error().message);
    if (!key->warning.empty()) warn(key->warning);
    if (key->created) spdlog::info("generated a new gateway key in {}", key_file);
    go.server.key = key->key.with_even_y();

    StopSignals signals;  // before any thread starts
    auto gw = std::make_shared<proxy::Gateway>(std::move(go));
    if (auto s = gw->start(); !s) return fail(s.error().message);
    signals.watch([gw](int) { gw->stop(); });
    for (const auto& a : gw->addresses()) std::cout << a << "\n";
    std::cout.flush();
    // The gateway announces its own key's addresses as a relay does (docs/discovery.md).
    std::unique_ptr<net::Announcer> announcer;
    if (!f.announce_to.empty() || !f.announce_addresses.empty()) {
        relay::Config ac;
        ac.announce_directories = f.announce_to;
        ac.announce_addresses = f.announce_addresses;
        auto ao = relay::announcer_options(ac, key->key, gw->addresses());
        if (!ao) {
            gw->stop();
            return fail(ao.error().message, exit_usage);
        }
        ao->who = "gateway: announce";
        ao->log = [](bool problem, const std::string& m) {
            if (problem) spdlog::warn("{}", m);
            else spdlog::info("{}", m);
        };
        announcer = std::make_unique<net::Announcer>(std::move(*ao));
        announcer->start();
    }
    spdlog::info("gateway: forwarding every session to {}", f.upstream);
    gw->run();
    announcer.reset();
    spdlog::info("gateway stopped");
    return exit_ok;
}

}  // namespace

void register_gateway(CLI::App& app, Dispatch& dispatch) {
    auto f = std::make_shared<GatewayFlags>();
    auto* c = app.add_subcommand("gateway", "A wsn:// front for an existing relay (strfry, nostr-rs-relay, ...)");
    c->add_option("--upstream", f->upstream, "The existing relay, over plain ws on loopback: ws://127.0.0.1:7777")
        ->required();
    c->add_option("--listen", f->listen, "Listen on ADDR:PORT (repeatable; default 0.0.0.0:7447 and [::]:7447)");
    c->add_option("--listen-tls", f->listen_tls, "Listen with TLS (wsns/wss) on ADDR:PORT (repeatable)");
    c->add_option("--tls-cert", f->tls_cert, "TLS certificate (PEM) for --listen-tls");
    c->add_option("--tls-key", f->tls_key, "TLS private key (PEM) for --listen-tls");
    auto* key = c->add_option("--key", f->key_file, "The gateway's key file (default <data>/gateway.key)");
    c->add_option("--data", f->data_dir, "Folder for the gateway's key, made on first start")
        ->capture_default_str()
        ->excludes(key);
    c->add_option("--announce-to", f->announce_to,
                  "Publish the gateway's address announcement to this directory relay (repeatable)");
    c->add_option("--announce-address", f->announce_addresses,
                  "An address to announce, URI or HOST:PORT (repeatable; default: the listeners)");
    c->add_flag("--allow-plaintext", f->allow_plaintext, "Also pass plain ws/wss clients through to the upstream");
    dispatch.on(c, [f] { return run(*f); });
}

}  // namespace wsn::cli
