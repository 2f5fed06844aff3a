#include "wsn/net/tls_client.hpp"

#include <map>
#include <memory>
#include <mutex>

#include <openssl/x509v3.h>

namespace wsn::net::detail {

namespace asio = boost::asio;

Result<asio::ssl::context*> client_tls_context(bool verify, const std::string& ca_file) {
    static std::mutex mu;
    static std::map<std::pair<bool, std::string>, std::unique_ptr<asio::ssl::context>> cache;
    std::lock_guard lock(mu);
    auto& slot = cache[{verify, ca_file}];
    if (slot) return slot.get();
    auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                     asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
    if (verify) {
        boost::system::error_code ec;
        ctx->set_default_verify_paths(ec);
        if (!ca_file.empty()) ctx->load_verify_file(ca_file, ec);
        if (ec) {
            cache.erase({verify, ca_file});
            return err("cannot load TLS trust file " + ca_file + ": " + ec.message());
        }
        ctx->set_verify_mode(asio::ssl::verify_peer);
    } else {
        ctx->set_verify_mode(asio::ssl::verify_none);
    }
    slot = std::move(ctx);
    return slot.get();
}

void set_tls_peer(SSL* ssl, const Host& host) {
    if (host.kind == HostKind::dns || host.kind == HostKind::onion) {
        SSL_set_tlsext_host_name(ssl, host.name.c_str());
        SSL_set1_host(ssl, host.name.c_str());
    } else {
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.name.c_str());
    }
}

}  // namespace wsn::net::detail
