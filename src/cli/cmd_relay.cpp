// `wsn relay`: runs the relay until SIGINT/SIGTERM.
#include <malloc.h>

#include <csignal>
#include <iostream>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "cli/commands.hpp"
#include "cli/stop_signals.hpp"
#include "relay/config.hpp"
#include "relay/relay.hpp"
#include "relay/relay_url.hpp"
#include "store/open.hpp"

namespace wsn::cli {

namespace {

struct RelayFlags {
    std::string config_file;
    std::string data_dir;
    std::string store;
    std::string key_file;
    std::vector<std::string> listen, listen_tls;
    std::string tls_cert, tls_key;
    std::vector<std::string> public_urls;
    std::vector<std::string> announce_to, announce_addresses;
    bool no_plaintext = false;
    bool print_config = false;
};

// Turns "ADDR:PORT" strings into listeners; the error names the bad one.
Status add_listeners(const std::vector<std::string>& specs, bool tls, relay::Config& cfg) {
    for (const auto& s : specs) {
        auto l = net::parse_listen_address(s);
        if (!l) return err("bad listen address '" + s + "': " + l.error().message);
        l->tls = tls;
        cfg.listen.push_back(*l);
    }
    return Ok{};
}

int run(const RelayFlags& f) {
    if (f.print_config) {
        std::cout << relay::example_config();
        return 0;
    }
    relay::Config cfg;
    if (!f.config_file.empty())
        if (auto s = relay::load_config_file(f.config_file, cfg); !s) return fail(s.error().message);
    // Flags override the file.
    if (!f.data_dir.empty()) cfg.data_dir = f.data_dir;
    if (f.store == "lmdb") {
        cfg.store_backend = "lmdb";
    } else if (store::is_postgres_url(f.store)) {
        cfg.store_backend = "postgres";
        cfg.store_url = f.store;
    } else if (!f.store.empty()) {
        return fail("bad --store '" + f.store + "': expected lmdb or a postgresql:// URL", 2);
    }
    if (!f.key_file.empty()) cfg.key_file = f.key_file;
    if (!f.listen.empty() || !f.listen_tls.empty()) {
        cfg.listen.clear();
        if (auto s = add_listeners(f.listen, false, cfg); !s) return fail(s.error().message, 2);
        if (auto s = add_listeners(f.listen_tls, true, cfg); !s) return fail(s.error().message, 2);
    }
    if (!f.tls_cert.empty()) cfg.tls_cert = f.tls_cert;
    if (!f.tls_key.empty()) cfg.tls_key = f.tls_key;
    if (f.no_plaintext) cfg.allow_plaintext = false;
    if (!f.announce_to.empty()) cfg.announce_directories = f.announce_to;
    if (!f.announce_addresses.empty()) cfg.announce_addresses = f.announce_addresses;
    if (!f.public_urls.empty()) {
        for (const auto& u : f.public_urls)
            if (auto n = relay::normalize_relay_url(u); !n) return fail("bad --public-url: " + n.error().message, 2);
        cfg.public_urls = f.public_urls;
    }

    // glibc gives the top of the heap back to the kernel as soon as 128 KiB are free, and a
    // fan-out round (a message and a sealed frame per subscriber, freed when sent) then
    // re-faults those pages for the next event. Keeping up to 64 MiB took the fan-out p99 of
    // 1,000 subscribers from 40-45 ms to 30-37 ms on the 2-core VM (docs/benchmarks.md).
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    StopSignals signals;  // before the relay's threads start
    auto r = relay::Relay::start(std::move(cfg));
    if (!r) return fail(r.error().message);
    relay::Relay& relay = **r;
    for (const auto& a : relay.addresses()) std::cout << a << "\n";
    std::cout.flush();

    signals.watch([&relay](int sig) {
        spdlog::info("{}: shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
        relay.stop();
    });
    relay.run();
    spdlog::info("relay stopped");
    return 0;
}

}  // namespace

void register_relay(CLI::App& app, Dispatch& dispatch) {
    auto f = std::make_shared<RelayFlags>();
    auto* c = app.add_subcommand("relay", "Run a Nostr relay over wsn, wsns, ws and wss");
    c->add_option("--config", f->config_file, "TOML configuration file (see --print-config)");
    c->add_option("--data", f->data_dir, "Data folder (relay.key, and the LMDB store); default ./" + std::string(relay::kDefaultDataDir));
    c->add_option("--store", f->store, "The store: lmdb (in --data, the default) or a PostgreSQL URL (store.url)");
    c->add_option("--key", f->key_file, "Relay key file; default <data>/relay.key, made on first start");
    c->add_option("--listen", f->listen, "Listen on ADDR:PORT, e.g. 0.0.0.0:7447 or [::]:7447 (repeatable)");
    c->add_option("--listen-tls", f->listen_tls, "Listen with TLS (wsns/wss) on ADDR:PORT (repeatable)");
    c->add_option("--tls-cert", f->tls_cert, "TLS certificate (PEM) for --listen-tls");
    c->add_option("--tls-key", f->tls_key, "TLS private key (PEM) for --listen-tls");
    c->add_option("--public-url", f->public_urls,
                  "A ws:// or wss:// URL clients reach the relay at; NIP-42 AUTH must name one (repeatable)");
    c->add_option("--announce-to", f->announce_to,
                  "Publish the relay's address announcement to this directory relay (repeatable; announce.directories)");
    c->add_option("--announce-address", f->announce_addresses,
                  "An address to announce, URI or HOST:PORT (repeatable; announce.addresses; default: the listeners)");
    c->add_flag("--no-plaintext", f->no_plaintext, "Refuse clients that do not speak wsn (no ws/wss)");
    c->add_flag("--print-config", f->print_config, "Print an example configuration file and exit");
    dispatch.on(c, [f] { return run(*f); });
}

}  // namespace wsn::cli
