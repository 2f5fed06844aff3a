#include "proxy/gateway.hpp"

#include <mutex>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "proxy/bridge.hpp"
#include "proxy/info_document.hpp"
#include "wsn/net/info_fetch.hpp"
#include "wsn/net/listener_addresses.hpp"

namespace wsn::proxy {

namespace asio = boost::asio;

constexpr std::chrono::seconds kRetry{10};

struct Gateway::Impl {
    GatewayOptions opts;
    Address upstream;
    crypto::XOnlyPubkey self;
    std::unique_ptr<Bridge> bridge;
    std::vector<std::string> addresses;

    std::mutex mu;
    std::string document;  // what GET with Accept: application/nostr+json answers
    bool have_upstream_document = false;

    asio::io_context refresher;
    std::thread refresher_thread;

    net::FetchOptions fetch_options() const {
        net::FetchOptions f;
        f.socks5_proxy = opts.client.socks5_proxy;
        f.timeout = opts.client.connect_timeout;
        f.tls_ca_file = opts.client.tls_ca_file;
        f.verify_tls = opts.client.verify_tls;
        return f;
    }

    // Fetches the upstream's document; keeps the last good one when that fails.
    void refresh(const Result<std::string>& doc) {
        std::lock_guard lock(mu);
        if (doc) {
            document = gateway_info_document(*doc, self, addresses);
            have_upstream_document = true;
        } else {
            spdlog::warn("gateway: cannot fetch the upstream NIP-11 document: {}", doc.error().message);
            if (document.empty()) document = gateway_info_document("", self, addresses);
        }
    }

    asio::awaitable<void> refresh_loop() {
        asio::steady_timer timer(refresher);
        for (;;) {
            // Until the upstream has answered once (it may start after the gateway), ask sooner.
            bool have;
            {
                std::lock_guard lock(mu);
                have = have_upstream_document;
            }
            timer.expires_after(have ? opts.info_refresh : std::min(opts.info_refresh, kRetry));
            co_await timer.async_wait(asio::use_awaitable);
            refresh(co_await net::fetch_info_document(refresher.get_executor(), upstream, fetch_options()));
        }
    }
};

Gateway::Gateway(GatewayOptions opts) : impl_(std::make_unique<Impl>()) {
    auto& im = *impl_;
    im.opts = std::move(opts);
    im.self = im.opts.server.key.xonly_pubkey();
    BridgeOptions b;
    b.name = "gateway";
    b.server = im.opts.server;
    b.upstream = im.opts.client;
    b.route = [u = im.opts.upstream](const net::SessionInfo&) -> Result<std::string> { return u; };
    b.on_http = [&im](const net::HttpRequest& req) -> std::optional<net::HttpResponse> {
        if (req.method != "GET" || req.accept.find("application/nostr+json") == std::string::npos) return std::nullopt;
        std::lock_guard lock(im.mu);
        return net::HttpResponse{200, "application/nostr+json", im.document, {{"Access-Control-Allow-Origin", "*"}}};
    };
    im.bridge = std::make_unique<Bridge>(std::move(b));
}

Gateway::~Gateway() = default;

Status Gateway::start() {
    auto& im = *impl_;
    auto up = parse_relay_url(im.opts.upstream);
    if (!up) return err("--upstream '" + im.opts.upstream + "': " + up.error().message);
    im.upstream = *up;
    if (auto s = im.bridge->start(); !s) return s;
    im.addresses = net::listener_addresses(im.bridge->bound(), im.self);
    im.refresh(net::fetch_info_document_blocking(im.upstream, im.fetch_options()));
    return Ok{};
}

const std::vector<std::string>& Gateway::addresses() const { return impl_->addresses; }

void Gateway::run() {
    auto& im = *impl_;
    asio::co_spawn(im.refresher, im.refresh_loop(), asio::detached);
    im.refresher_thread = std::thread([&im] { im.refresher.run(); });
    im.bridge->run();
    im.refresher.stop();
    im.refresher_thread.join();
}

void Gateway::stop() { impl_->bridge->stop(); }

}  // namespace wsn::proxy
