#pragma once
// HTTP to a relay, on the same host and port as the WebSocket, inside TLS for wss and
// wsns: its NIP-11 document (a GET of the address's path with `Accept:
// application/nostr+json`, for `wsn info` and the gateway), and any other one request
// (`wsn admin`'s NIP-86 calls).
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
// "timed out waiting for an HTTP answer from ...", "HTTP 404 from ...", "larger than 256 KiB".
boost::asio::awaitable<Result<std::string>> fetch_info_document(boost::asio::any_io_executor ex,
                                                                const Address& relay, FetchOptions opts);

// The same on its own I/O context, for command-line tools.
Result<std::string> fetch_info_document_blocking(const Address& relay, FetchOptions opts);

// Any one HTTP request to the relay's host and port (inside TLS for wss and wsns), with
// the answer's status and body whatever the status: for `wsn admin` (NIP-86 POSTs).
struct HttpCall {
    std::string method = "GET", accept, content_type, authorization, body;
};
struct HttpAnswer {
    unsigned status = 0;
    std::string body;
};
Result<HttpAnswer> http_call_blocking(const Address& relay, const HttpCall& call, FetchOptions opts);

}  // namespace wsn::net
