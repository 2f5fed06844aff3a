#pragma once
// The sans-IO wsn.v1 connection (docs/protocol.md), shared by relay, client, proxies,
// fuzzers and benches. It holds the handshake, the two cipher directions and the
// queues; it does no I/O. The caller moves WebSocket messages in and out:
//
//   auto conn = wsn::Connection::client(my_key, relay_xonly).value();
//   ws.write_all(conn.take_outgoing());          // act one
//   conn.receive(ws_message, is_binary);
//   while (auto ev = conn.next_event()) handle(*ev); // HandshakeDone, Message, ProtocolError
//   (void)conn.send(json);                        // queued until the handshake is done
//   ws.write_all(conn.take_outgoing());          // act three and sealed messages, in order
//
// After a ProtocolError the connection is failed for good: the caller closes the
// WebSocket with the error's code and reason; later input is ignored.
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "crypto/keys.hpp"
#include "noise/framing.hpp"
#include "noise/handshake.hpp"
#include "util/result.hpp"

namespace wsn {

// The WebSocket close codes (RFC 6455) wsn.v1 closes with.
enum class CloseCode : uint16_t {
    protocol_error = 1002,    // bad act, text frame, failed chunk, empty message
    policy_violation = 1008,  // for the caller's policy (the Connection itself never uses it)
    message_too_big = 1009,   // plaintext over the limit
};

// The longest reason a WebSocket close frame can carry.
inline constexpr size_t kMaxCloseReason = 123;

// The default limit on one message's plaintext.
inline constexpr size_t kDefaultMaxMessage = size_t(1) << 20;

// The handshake finished: remote is the peer's x-only key (the relay's npub key for a
// client; the client's authenticated Nostr pubkey, either parity, for a server).
struct HandshakeDone {
    crypto::XOnlyPubkey remote;
};

// One decrypted message (one NIP-01 message, JSON text).
struct Message {
    std::vector<uint8_t> plaintext;
    std::string_view text() const { return {reinterpret_cast<const char*>(plaintext.data()), plaintext.size()}; }
};

// The peer broke the protocol; close the WebSocket with code and reason (reason is at
// most 123 bytes, so it fits a close frame).
struct ProtocolError {
    CloseCode code;
    std::string reason;
    // Client only: set when act two failed, the relay key it did not prove to hold
    // (the caller may show it as an npub: "relay failed to prove it holds npub1...").
    std::optional<crypto::XOnlyPubkey> unproven_relay;
};

using Event = std::variant<HandshakeDone, Message, ProtocolError>;

class Connection {
public:
    enum class Role { client, server };
    enum class State { handshaking, open, failed };

    // A client that will reach the relay with x-only key `relay` (lifted to even y),
    // authenticating with `client_key` (a fresh key for an anonymous client). Act one
    // is queued for sending at once. Fails if `relay` is not on the curve.
    static Result<Connection> client(const noise::StaticKey& client_key, const crypto::XOnlyPubkey& relay,
                                     size_t max_message = kDefaultMaxMessage);
    // A relay with its static key, which must have even y: make it once with
    // noise::StaticKey::even_y(secret) (aborts otherwise).
    static Connection server(const noise::StaticKey& relay_key, size_t max_message = kDefaultMaxMessage);

    // One received WebSocket data message. Ping/pong/close frames are not for us.
    void receive(std::span<const uint8_t> payload, bool is_binary);
    // The next event, in order, or nullopt when there is none until more is received.
    std::optional<Event> next_event();

    // Seals one message (one NIP-01 message) for sending; before the handshake is
    // done it is queued and sent right behind it (a client's in the same flight as
    // act three). Fails, without harm, for an empty message or a failed connection.
    [[nodiscard]] Status send(std::span<const uint8_t> plaintext);
    [[nodiscard]] Status send(std::string_view text);

    // The WebSocket binary messages to write, in order (acts, sealed messages);
    // emptied by the call.
    std::vector<std::vector<uint8_t>> take_outgoing();

    Role role() const { return role_; }
    State state() const { return state_; }
    // The peer's x-only key once the handshake is done.
    std::optional<crypto::XOnlyPubkey> remote() const { return remote_; }
    size_t max_message() const { return max_message_; }
    // The largest WebSocket payload this connection accepts (a sealed max_message()):
    // a limit to give the WebSocket layer.
    size_t max_payload() const { return noise::sealed_size(max_message_); }

private:
    Connection(Role role, noise::Handshake hs, size_t max_message);
    void receive_act(std::span<const uint8_t> act);
    void handshake_done();
    void fail(CloseCode code, std::string reason, std::optional<crypto::XOnlyPubkey> unproven = std::nullopt);

    Role role_;
    State state_ = State::handshaking;
    size_t max_message_;
    std::optional<noise::Handshake> handshake_;
    std::optional<noise::Sealer> sealer_;
    std::optional<noise::Opener> opener_;
    std::optional<crypto::XOnlyPubkey> remote_;
    std::vector<std::vector<uint8_t>> pending_;  // plaintexts sent before the handshake was done
    std::vector<std::vector<uint8_t>> outgoing_;
    std::deque<Event> events_;
};

}  // namespace wsn
