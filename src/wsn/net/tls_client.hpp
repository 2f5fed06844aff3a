#pragma once
// Internal: TLS on the dialing side (wss, wsns), shared by the WebSocket client and the
// NIP-11 fetch. For wsns the certificate is never checked: the relay's key is the identity.
#include <string>

#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>

#include "util/result.hpp"
#include "wsn/address.hpp"

namespace wsn::net::detail {

// One context per (verify, extra CA file), built once and kept: loading the CA store is
// costly. Verifying: the system's trust store plus `ca_file` if given.
Result<boost::asio::ssl::context*> client_tls_context(bool verify, const std::string& ca_file);

// SNI for names, and the name or IP address the certificate must carry (checked only
// when the context verifies).
void set_tls_peer(SSL* ssl, const Host& host);

}  // namespace wsn::net::detail
