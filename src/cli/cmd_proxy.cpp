// `wsn proxy`: a local ws:// endpoint that forwards existing Nostr apps to wsn relays.
#include <iostream>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "cli/client_flags.hpp"
#include "cli/client_run.hpp"
#include "cli/stop_signals.hpp"
#include "cli/commands.hpp"
#include "proxy/proxy.hpp"
#include "wsn/net/server.hpp"

namespace wsn::cli {

namespace {

struct ProxyFlags {
    std::vector<std::string> listen{"127.0.0.1:4869"};
    std::string upstream;
    ConnectFlags connect;
    bool allow_remote = false;
    std::vector<std::string> allow_origin;
};

int run(const ProxyFlags& f) {
    proxy::ProxyOptions po;
    for (const auto& s : f.listen) {
        auto l = net::parse_listen_address(s);
        if (!l) return fail(l.error().message, exit_usage);
        if (!is_loopback(l->host) && !f.allow_remote)
            return fail("--listen " + s + " is not a loopback address; anyone reaching it could use the proxy " +
                            "(and your --key): add --allow-remote if you mean it",
                        exit_usage);
        po.listen.push_back(*l);
    }
    if (!f.upstream.empty()) {
        auto a = parse_relay_url(f.upstream);
        if (!a) return fail("--upstream '" + f.upstream + "': " + a.error().message, exit_usage);
        po.default_upstream = *a;
    }
    for (const auto& o : f.allow_origin)
        if (o.empty() || o.back() == '/' || o.find("://") == std::string::npos)
            return fail("--allow-origin '" + o + "': give an origin as a browser sends it, scheme://host[:port], "
                            "no path (e.g. https://app.example or http://localhost:5173)",
                        exit_usage);
    po.allowed_origins = f.allow_origin;
    auto opts = client_options(f.connect);
    if (!opts) return fail(opts.error().message, exit_usage);
    po.upstream = *opts;

    StopSignals signals;  // before any thread starts
    std::shared_ptr<proxy::Bridge> bridge = proxy::make_proxy(std::move(po));
    if (auto s = bridge->start(); !s) return fail(s.error().message);
    signals.watch([bridge](int) { bridge->stop(); });
    for (const auto& b : bridge->bound())
        std::cout << "ws://" << format_host_port(b.host, b.port) << "\n";
    std::cout.flush();
    spdlog::info("proxy: apps connect to ws://HOST:PORT/<wsn address>{}",
                 f.upstream.empty() ? "" : " or to / for " + f.upstream);
    bridge->run();
    spdlog::info("proxy stopped");
    return exit_ok;
}

}  // namespace

void register_proxy(CLI::App& app, Dispatch& dispatch) {
    auto f = std::make_shared<ProxyFlags>();
    auto* c = app.add_subcommand("proxy", "A local ws:// endpoint so existing Nostr apps can use wsn relays");
    c->add_option("--listen", f->listen, "Listen on ADDR:PORT (repeatable)")->capture_default_str();
    c->add_option("--upstream", f->upstream, "The relay for apps that connect to / (wsn://npub1...@host:port)");
    add_connect_flags(*c, f->connect);
    c->get_option("--key")->description("Key file: authenticates every upstream session as you (default: a fresh "
                                        "key per session, anonymous)");
    c->add_flag("--allow-remote", f->allow_remote, "Allow a --listen address other than loopback");
    c->add_option("--allow-origin", f->allow_origin,
                  "Let web pages of this origin use the proxy (repeatable; scheme://host[:port]); pages of any "
                  "other origin are refused, apps that send no Origin are always served");
    dispatch.on(c, [f] { return run(*f); });
}

}  // namespace wsn::cli
