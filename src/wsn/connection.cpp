#include "wsn/connection.hpp"

#include "util/require.hpp"

namespace wsn {

namespace {

template <size_t N>
std::vector<uint8_t> bytes(const std::array<uint8_t, N>& a) {
    return {a.begin(), a.end()};
}

}  // namespace

Connection::Connection(Role role, noise::Handshake hs, size_t max_message)
    : role_(role), max_message_(max_message), handshake_(std::move(hs)) {}

Result<Connection> Connection::client(const noise::StaticKey& client_key, const crypto::XOnlyPubkey& relay,
                                      size_t max_message) {
    auto relay_point = crypto::lift_x(relay);
    if (!relay_point) return err("relay key " + relay.hex() + " is not a point on secp256k1");
    Connection c(Role::client, noise::Handshake::initiator(client_key, *relay_point), max_message);
    c.outgoing_.push_back(bytes(c.handshake_->write_act_one()));
    return c;
}

Connection Connection::server(const noise::StaticKey& relay_key, size_t max_message) {
    require(!relay_key.pub.has_odd_y());
    return Connection(Role::server, noise::Handshake::responder(relay_key), max_message);
}

void Connection::fail(CloseCode code, std::string reason, std::optional<crypto::XOnlyPubkey> unproven) {
    if (reason.size() > kMaxCloseReason) reason.resize(kMaxCloseReason);  // reasons are ASCII
    state_ = State::failed;
    handshake_.reset();
    sealer_.reset();
    opener_.reset();
    pending_.clear();
    outgoing_.clear();  // nothing more goes out but the caller's close frame
    events_.push_back(ProtocolError{code, std::move(reason), unproven});
}

void Connection::receive(std::span<const uint8_t> payload, bool is_binary) {
    if (state_ == State::failed) return;
    if (!is_binary) return fail(CloseCode::protocol_error, "text frame on a wsn.v1 connection");
    if (state_ == State::handshaking) return receive_act(payload);

    auto opened = opener_->open(payload);
    if (!opened) {
        auto code = opener_->fault() == noise::OpenFault::too_big ? CloseCode::message_too_big
                                                                  : CloseCode::protocol_error;
        return fail(code, opened.error().message);
    }
    events_.push_back(Message{std::move(*opened)});
}

// Client: act two in, act three out. Server: act one in, act two out; then act three in.
void Connection::receive_act(std::span<const uint8_t> act) {
    auto& hs = *handshake_;
    using S = noise::Handshake::State;
    if (role_ == Role::client) {
        if (!hs.read_act_two(act).ok()) {
            auto relay = hs.remote_xonly();
            return fail(CloseCode::protocol_error,
                        "relay failed to prove it holds " + relay.hex() + " (act two: " +
                            std::string(noise::to_string(*hs.fault())) + ")",
                        relay);
        }
        outgoing_.push_back(bytes(hs.write_act_three()));
        return handshake_done();
    }
    if (hs.state() == S::start) {
        if (auto st = hs.read_act_one(act); !st) return fail(CloseCode::protocol_error, st.error().message);
        outgoing_.push_back(bytes(hs.write_act_two()));
        return;
    }
    if (auto st = hs.read_act_three(act); !st) return fail(CloseCode::protocol_error, st.error().message);
    handshake_done();
}

void Connection::handshake_done() {
    auto t = handshake_->take_transport();
    remote_ = handshake_->remote_xonly();
    handshake_.reset();
    sealer_.emplace(std::move(t.send));
    opener_.emplace(std::move(t.recv), max_message_);
    state_ = State::open;
    events_.push_back(HandshakeDone{*remote_});
    for (auto& p : pending_) outgoing_.push_back(std::move(*sealer_->seal(p)));  // non-empty when queued
    pending_.clear();
}

std::optional<Event> Connection::next_event() {
    if (events_.empty()) return std::nullopt;
    Event e = std::move(events_.front());
    events_.pop_front();
    return e;
}

Status Connection::send(std::span<const uint8_t> plaintext) {
    if (state_ == State::failed) return err("connection has failed");
    if (plaintext.empty()) return err("cannot send an empty message");
    if (state_ == State::handshaking) {
        pending_.emplace_back(plaintext.begin(), plaintext.end());
        return Ok{};
    }
    auto sealed = sealer_->seal(plaintext);
    if (!sealed) return sealed.error();
    outgoing_.push_back(std::move(*sealed));
    return Ok{};
}

Status Connection::send(std::string_view text) {
    return send(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

std::vector<std::vector<uint8_t>> Connection::take_outgoing() { return std::exchange(outgoing_, {}); }

}  // namespace wsn
