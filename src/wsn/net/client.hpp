#pragma once
// The dialing side: one connection to a relay at a wsn://, wsns://, ws:// or wss://
// address, direct or through a SOCKS5 proxy, carrying NIP-01 text messages.
//
//   Client: coroutines (for the proxy, the gateway, load generators).
//   BlockingClient: the same, with blocking calls (for command-line tools).
//
// For wsn and wsns the relay proves it holds the key in the address before anything
// of the application leaves this process; on any failure nothing is sent but the
// WebSocket upgrade and act one. Beast stays out of this header.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>  // before Asio: its awaitable.hpp uses std::exchange

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include "crypto/keys.hpp"
#include "util/result.hpp"
#include "wsn/address.hpp"

namespace wsn::net {

class Resolver;  // wsn/net/resolver.hpp

struct ClientOptions {
    // wsn/wsns static key: nullopt = a fresh random key per connection (anonymous);
    // the user's key to be known to the relay as that pubkey.
    std::optional<crypto::SecretKey> key;
    // "HOST:PORT" or "[V6]:PORT" of a SOCKS5 proxy (e.g. Tor's 127.0.0.1:9050); empty =
    // connect directly. Names are resolved by the proxy.
    std::string socks5_proxy;
    std::chrono::milliseconds connect_timeout{10000};    // resolution, TCP, SOCKS5
    std::chrono::milliseconds handshake_timeout{10000};  // TLS, upgrade, wsn acts one and two
    // wss only: check the certificate chain and host name (wsns never does: the key is the identity).
    bool verify_tls = true;
    std::string tls_ca_file;  // wss: a PEM file of extra trusted certificates (e.g. a test relay's)
    size_t max_message_bytes = 512 * 1024;  // plaintext; a larger message from the relay fails the read
    // Set: wsn/wsns addresses go through it (key-only ones resolved, a host that fails
    // falls back to the relay's announcement). Unset: a key-only address is an error.
    std::shared_ptr<Resolver> resolver;
};

// Why a connection ended, as the relay or this side said it.
struct CloseInfo {
    uint16_t code = 0;  // 0 if the connection dropped without a close frame
    std::string reason;
};

class Client {
public:
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    // Resolves, connects (directly or via SOCKS5), runs TLS for wss/wsns, upgrades, and
    // for wsn/wsns sends act one and checks act two, so the relay has proved its key.
    // Act three goes out with the first write() or close(), in the same flight as the
    // first message. Errors a user can act on: "name resolution failed for X: …",
    // "connection refused by X", "timed out connecting to X", "TLS handshake with X
    // failed: …", "server does not speak wsn (it did not select wsn.v1)", "relay failed
    // to prove it holds npub1… — wrong key, or someone in between".
    static boost::asio::awaitable<Result<std::unique_ptr<Client>>> connect(boost::asio::any_io_executor ex,
                                                                           std::string_view url,
                                                                           ClientOptions opts);
    // With the default options. An overload, not a default argument: gcc 12 destroys a
    // defaulted argument's temporary twice when the call is inside co_await.
    static boost::asio::awaitable<Result<std::unique_ptr<Client>>> connect(boost::asio::any_io_executor ex,
                                                                           std::string_view url) {
        return connect(std::move(ex), url, ClientOptions{});
    }

    // The next NIP-01 text from the relay. An Error when the connection ended (the
    // close code and reason are then in close_info()) or a message failed (for wsn the
    // connection is then closed with 1002 or 1009). At most one read at a time.
    boost::asio::awaitable<Result<std::string>> read();
    // Sends one NIP-01 text (encrypted for wsn/wsns; act three first if still due).
    // At most one write at a time; a read may be pending meanwhile.
    boost::asio::awaitable<Status> write(std::string text);
    // Closes with a WebSocket close code; waits for the relay's answer (bounded).
    boost::asio::awaitable<void> close(uint16_t code = 1000, std::string reason = {});

    // Drops the connection at once (no close handshake); pending reads and writes fail.
    void abort();

    const Address& address() const;
    const std::optional<CloseInfo>& close_info() const;
    boost::asio::any_io_executor get_executor() const;

    struct Impl;

private:
    explicit Client(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// Blocking calls over Client, each on its own I/O context (one thread at a time).
class BlockingClient {
public:
    // Connects as Client::connect does; the whole call is bounded by the options' timeouts.
    static Result<BlockingClient> connect(std::string_view url, ClientOptions opts = {});

    BlockingClient(BlockingClient&&) noexcept;
    BlockingClient& operator=(BlockingClient&&) noexcept;
    ~BlockingClient();

    Status send(std::string text);
    // The next message; nullopt if none came within the timeout (the read stays pending
    // for the next call); an Error if the connection ended.
    Result<std::optional<std::string>> receive(std::chrono::milliseconds timeout);
    void close(uint16_t code = 1000, std::string reason = {});

    const Address& address() const;
    const std::optional<CloseInfo>& close_info() const;

private:
    struct State;
    explicit BlockingClient(std::unique_ptr<State> s);
    std::unique_ptr<State> s_;
};

}  // namespace wsn::net
