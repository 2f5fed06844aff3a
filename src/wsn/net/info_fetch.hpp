#pragma once
// Fetching a relay's NIP-11 document: an HTTP GET of the address's path with
// `Accept: application/nostr+json`, on the same host and port as the WebSocket, inside
// TLS for wss and wsns. For `wsn info` and for the gateway (its upstream's document).
//
// The document is not carried inside the wsn handshake, so it proves nothing about the
// relay's key; callers compare its `self` with the address where that matters.
#include <chrono>
#include <string>
#include <utility>  // before Asio: its awaitable.hpp uses std::exchange

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "util/result.hpp"
#include "wsn/address.hpp"

namespace wsn::net {

struct FetchOptions {
    std::string socks5_proxy;  // "HOST:PORT", empty = direct
    std::chrono::milliseconds timeout{10000};  // the whole request
    bool verify_tls = true;    // wss only (wsns never checks: the key is the identity)
    std::string tls_ca_file;   // wss: extra trusted certificates (PEM)
};

inline constexpr size_t kMaxInfoDocument = 256 * 1024;

// The body of a 200 answer. Errors name the step: "connection refused by 127.0.0.1:7447",
// "timed out fetching ...", "HTTP 404 from ...", "document larger than 256 KiB".
boost::asio::awaitable<Result<std::string>> fetch_info_document(boost::asio::any_io_executor ex,
                                                                const Address& relay, FetchOptions opts);

// The same on its own I/O context, for command-line tools.
Result<std::string> fetch_info_document_blocking(const Address& relay, FetchOptions opts);

}  // namespace wsn::net
