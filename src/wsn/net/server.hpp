#pragma once
// The listener side of the transport: one port serves wsn (WebSocket with subprotocol
// wsn.v1, then the Noise handshake and encrypted messages), plain ws (NIP-01 text
// frames), their TLS forms wsns/wss when the listener has a certificate, and plain
// HTTP (NIP-11, /metrics) through a hook. The application sees only NIP-01 text.
// Beast stays out of this header; the implementation lives in src/wsn/net/*.cpp.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crypto/keys.hpp"
#include "wsn/address.hpp"
#include "util/result.hpp"

namespace wsn::net {

// The four schemes are those of addresses (wsn/address.hpp): ws, wss, wsn, wsns.
using wsn::Scheme;

struct ListenAddress {
    std::string host;  // "0.0.0.0", "::", "127.0.0.1", "::1"
    uint16_t port = 0; // 0 = any free port (see Server::bound())
    bool tls = false;  // needs ServerOptions::tls_cert/tls_key
};
// Parses "ADDR:PORT" or "[V6]:PORT" (TLS is set separately, per listener).
Result<ListenAddress> parse_listen_address(std::string_view s);

struct ServerOptions {
    std::vector<ListenAddress> listen;
    crypto::SecretKey key;             // the relay's static key (identity)
    std::string tls_cert_file, tls_key_file;  // PEM; the certificate is never the identity
    bool allow_plaintext = true;       // ws/wss without wsn.v1
    // Set: a WebSocket upgrade whose Origin header is present and not listed gets a bare
    // 403 (browsers send Origin; other clients do not), so a web page cannot use the
    // listener. Unset: any origin.
    std::optional<std::vector<std::string>> allowed_origins;
    std::chrono::milliseconds handshake_timeout{10000};
    std::chrono::milliseconds idle_timeout{120000};  // a ping is sent after idle/2
    size_t max_message_bytes = 512 * 1024;           // plaintext NIP-01 message
    size_t max_send_queue_bytes = 8 * 1024 * 1024;   // a slower reader is disconnected
    // Bytes queued for sending on all sessions together: past it, a session holding more
    // than kFairOutputShare of them is closed as a slow reader. 0 = no cap.
    size_t max_queued_bytes_total = 256 * 1024 * 1024;
    // Input backpressure: received messages delivered by on_message and not yet handed
    // back with Server::consumed(), each counted as its size plus kInputMessageOverhead.
    // Past this share a session stops reading its socket (TCP slows that client alone)
    // until the application has consumed them down to half. 0 = not counted, and
    // consumed() need not be called.
    size_t max_unconsumed_bytes_per_session = 0;
    // The safety net over all sessions together (with the share above set): past it, a
    // session holding more than kFairInputShare pauses too. 0 = no cap.
    size_t max_unconsumed_bytes_total = 0;
    size_t max_connections = 0;         // open connections; 0 = the open-file limit less a reserve
    size_t max_connections_per_ip = 0;  // from one IPv4 address or IPv6 /64; 0 = no cap
    unsigned io_threads = 1;
    // A request header a reverse proxy sets to the client's address (X-Forwarded-For):
    // its value is passed on as SessionInfo/HttpRequest::forwarded, for the relay to
    // believe or not (relay/real_ip.hpp). "" reads none.
    std::string real_ip_header;
};

struct SessionInfo {
    uint64_t id = 0;
    Scheme scheme = Scheme::ws;
    HostPort remote;       // the peer's IP (an IPv4-mapped IPv6 one as IPv4) and port
    std::string path;      // request target of the upgrade
    std::optional<crypto::XOnlyPubkey> client_key;  // wsn/wsns: the authenticated key
    std::string forwarded;  // ServerOptions::real_ip_header's value (lines joined by ", "), "" if absent
};

struct HttpRequest {
    std::string method, target, accept, host;
    HostPort remote;
    std::string forwarded;  // as in SessionInfo
    std::string content_type, authorization, body;  // body: at most 64 KiB (NIP-86 calls)
    bool tls = false;       // came in on a TLS listener
};
struct HttpResponse {
    unsigned status = 200;
    std::string content_type = "text/plain";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
};

// Callbacks run on I/O threads; they must not block. Messages of one session arrive
// in order, after on_open and before on_close.
struct ServerHandler {
    std::function<void(const SessionInfo&)> on_open;
    std::function<void(uint64_t session, std::string text)> on_message;
    std::function<void(uint64_t session)> on_close;
    // After notify_drained(session, mark) returned false: the session's unsent output
    // has fallen to `mark` or below (called once, then only after another notify_drained).
    std::function<void(uint64_t session)> on_drained;
    // Plain HTTP requests (no upgrade). nullopt -> 404.
    std::function<std::optional<HttpResponse>(const HttpRequest&)> on_http;
};

struct ServerStats {
    uint64_t open_by_scheme[4] = {};
    uint64_t handshake_failures = 0;   // wsn sessions that upgraded but did not finish the handshake
    uint64_t tls_handshake_failures = 0;  // TLS handshakes on a TLS listener that failed or timed out
    uint64_t slow_reader_closes = 0;   // sessions closed because their send queue was full
    uint64_t refused_total = 0;        // connections closed at accept: max_connections reached
    uint64_t refused_per_ip = 0;       // connections closed at accept: max_connections_per_ip reached
    uint64_t shed_handshakes = 0;      // unfinished handshakes closed to free a descriptor
    uint64_t input_pauses = 0;         // times a session stopped reading: over its input share
    size_t unconsumed_bytes = 0;       // input delivered and not yet consumed, all sessions
    size_t max_connections = 0;        // the cap in force (after start)
};

// A text whose middle is shared by many sessions (a fan-out's event): head + body + tail,
// the body kept alive by `owner` and never copied per session (over ws it is written from
// where it lies; over wsn it is sealed from there).
struct SharedText {
    std::string head;                   // this session's part, e.g. ["EVENT","<sub>",
    std::shared_ptr<const void> owner;  // holds `body`
    std::string_view body;
    std::string_view tail;              // static text, e.g. "]"
    size_t size() const { return head.size() + body.size() + tail.size(); }
};

// A session queueing output past the global cap keeps up to this much.
inline constexpr size_t kFairOutputShare = 1024 * 1024;
// A session's unconsumed input past the global cap may reach this much before it pauses.
inline constexpr size_t kFairInputShare = 64 * 1024;
// What a received message costs besides its text: the string and queue bookkeeping.
inline constexpr size_t kInputMessageOverhead = 128;

class Server {
public:
    Server(ServerOptions opts, ServerHandler handler);
    ~Server();

    // Raises the open-file limit as far as the hard limit allows, then binds every listen
    // address; fails with a message naming the address.
    Status start();
    // The actual bound addresses (after start), in listen order.
    std::vector<ListenAddress> bound() const;
    // Runs the I/O threads until stop(); returns when all are done.
    void run();
    // Closes listeners and sessions; safe from any thread and from signal-driven code paths.
    void stop();

    // Thread-safe: queue a NIP-01 text for a session (encrypted for wsn). Dropped if gone.
    // Returns the session's unsent output in bytes, this text included (0 if gone), so a
    // producer can pace itself (notify_drained) well before max_send_queue_bytes.
    size_t send(uint64_t session, std::string text);
    size_t send(uint64_t session, SharedText text);  // the same, for a shared text
    // A fan-out: each text to its session, the sessions looked up in one pass and, with
    // one I/O thread, woken by one post for all. Takes the texts; gone sessions are skipped.
    struct Delivery {
        uint64_t session;
        SharedText text;
    };
    void send_all(std::vector<Delivery>& deliveries);
    // Thread-safe: asks for on_drained once the session's unsent output is at most
    // `mark` bytes. Returns true instead if it already is; false also when the session
    // is gone (its on_close comes).
    bool notify_drained(uint64_t session, size_t mark);
    // Thread-safe: the application is done with a text of `bytes` that on_message gave it
    // (handled or dropped), so the session may read on (max_unconsumed_bytes_per_session).
    // `messages` texts of `bytes` in all at once: one registry lookup for a batch.
    void consumed(uint64_t session, size_t bytes, size_t messages = 1);
    // Thread-safe: close with a WebSocket close code and reason.
    void close(uint64_t session, uint16_t code, std::string reason);

    ServerStats stats() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace wsn::net
