// One server connection: TLS (if the listener has it), the HTTP request, then either a
// plain HTTP answer or a WebSocket session. A wsn session moves bytes between the
// socket and wsn::Connection; a plain one passes NIP-01 text frames through.
#include <algorithm>
#include <array>
#include <mutex>
#include <optional>
#include <variant>
#include <vector>
#include <utility>  // before Asio: its awaitable.hpp uses std::exchange

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "wsn/connection.hpp"
#include "wsn/net/close_frame.hpp"
#include "wsn/net/corking_stream.hpp"
#include "wsn/net/server_core.hpp"
#include "wsn/net/subprotocol.hpp"
#include "wsn/net/wsn_pump.hpp"

namespace wsn::net::detail {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using asio::awaitable;

constexpr size_t kMaxRequestHeader = 8 * 1024;
// A plain HTTP request's body: NIP-86 management calls are small JSON documents.
constexpr size_t kMaxRequestBody = 64 * 1024;

// Upgrades carry no body; NIP-86 POSTs do.
using Request = http::request<http::string_body>;
// How long a close handshake may take before the socket is simply closed.
constexpr std::chrono::seconds kCloseGrace{5};

// True if a Sec-WebSocket-Protocol list ("a, wsn.v1") names the protocol.
bool offers_protocol(const Request& req, std::string_view proto) {
    auto [it, end] = req.equal_range(http::field::sec_websocket_protocol);
    for (; it != end; ++it) {
        std::string_view list(it->value().data(), it->value().size());
        while (!list.empty()) {
            size_t comma = list.find(',');
            std::string_view tok = list.substr(0, comma);
            while (!tok.empty() && (tok.front() == ' ' || tok.front() == '\t')) tok.remove_prefix(1);
            while (!tok.empty() && (tok.back() == ' ' || tok.back() == '\t')) tok.remove_suffix(1);
            if (tok == proto) return true;
            if (comma == std::string_view::npos) break;
            list.remove_prefix(comma + 1);
        }
    }
    return false;
}

HostPort peer_of(const asio::ip::tcp::endpoint& ep) {
    auto a = ep.address();
    if (a.is_v6() && a.to_v6().is_v4_mapped()) a = a.to_v6().to_v4();
    return {a.to_string(), ep.port()};
}

// A message to write: NIP-01 text (ws), whole or shared, or a sealed payload or act (wsn).
using Frame = std::variant<std::string, SharedText, std::vector<uint8_t>>;

size_t size_of(const Outgoing& out) {
    return std::visit([](auto& t) { return t.size(); }, out);
}

template <class Stream>
class Session final : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
public:
    template <class... Args>
    Session(ServerCore& core, bool tls, ClientBlock from, Args&&... stream_args)
        : core_(core), tls_(tls), from_(from), ws_(std::forward<Args>(stream_args)...) {}

    ~Session() override {
        if (info_.id) core_.remove(info_.id);
        core_.admission->leave(from_);
        core_.queued_bytes_total -= queued_bytes_;
        core_.unconsumed_total -= unconsumed;
    }

    void start() {
        asio::co_spawn(ws_.get_executor(), run(this->shared_from_this()), asio::detached);
    }

    // Texts from other threads wait in incoming_; one take takes all that came meanwhile.
    bool stage(Outgoing text) override {
        std::lock_guard lock(incoming_mu_);
        incoming_.push_back(std::move(text));
        return incoming_.size() == 1;  // else a take_incoming is already on its way
    }
    void post_take() override {
        asio::post(ws_.get_executor(), [self = this->shared_from_this()] { self->take_incoming(); });
    }
    void post_close(uint16_t code, std::string reason) override {
        asio::post(ws_.get_executor(), [self = this->shared_from_this(), code, r = std::move(reason)]() mutable {
            self->close_with(code, std::move(r), false);
        });
    }
    void post_resume_read() override {
        asio::post(ws_.get_executor(), [self = this->shared_from_this()] { self->wake_reader(); });
    }

private:
    using Self = std::shared_ptr<Session>;

    beast::tcp_stream& tcp() { return beast::get_lowest_layer(ws_); }
    // The stream beneath the corking layer: TLS and plain HTTP use it directly.
    Stream& raw() { return ws_.next_layer().next_layer(); }

public:
    void take_incoming() override {
        {
            std::lock_guard lock(incoming_mu_);
            std::swap(incoming_, taken_);
        }
        // All of them are queued before a write starts: a plain socket's write may finish
        // at once, and each text would then go out alone.
        holding_ = true;
        for (auto& text : taken_) send(std::move(text));
        holding_ = false;
        if (!writing_ && !queue_.empty() && phase_ == Phase::open) write_batch();
        taken_.clear();
        if (taken_.capacity() > kKeepIncoming) taken_.shrink_to_fit();
    }

private:

    // Every line of the real-IP header, joined as RFC 9110 joins repeated fields.
    std::string forwarded(const Request& req) const {
        std::string out;
        if (core_.opts.real_ip_header.empty()) return out;
        for (auto [it, end] = req.equal_range(core_.opts.real_ip_header); it != end; ++it) {
            if (!out.empty()) out += ", ";
            out += std::string_view(it->value().data(), it->value().size());
        }
        return out;
    }

    awaitable<void> run(Self /*kept alive by the frame*/) {
        beast::error_code ec;
        auto tok = asio::redirect_error(asio::use_awaitable, ec);
        info_.id = core_.add(this->weak_from_this());
        ws_.next_layer().keep_alive_with(this->weak_from_this());
        ws_.next_layer().on_write([this] { on_written(); });  // the layer holds this session meanwhile
        try {
            info_.remote = peer_of(tcp().socket().remote_endpoint(ec));
            if (ec) co_return;
            // One deadline covers TLS, the HTTP request, the upgrade and the wsn handshake.
            tcp().expires_after(core_.opts.handshake_timeout);
            if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
                co_await raw().async_handshake(asio::ssl::stream_base::server, tok);
                if (ec) {
                    core_.tls_handshake_failures++;
                    co_return;
                }
            }
            http::request_parser<http::string_body> parser;
            parser.header_limit(kMaxRequestHeader);
            parser.body_limit(kMaxRequestBody);
            co_await http::async_read(raw(), buf_, parser, tok);
            if (ec) co_return;
            auto req = parser.release();
            if (!websocket::is_upgrade(req)) {
                co_await answer_http(req);
                co_return;
            }
            co_await serve_websocket(std::move(req));
        } catch (const std::exception&) {
            // A bug or resource exhaustion in this session must not reach other sessions.
        }
        if (established) {  // on_close is owed only for a session on_open saw
            core_.open_by_scheme[size_t(info_.scheme)]--;
            if (core_.handler.on_close) core_.handler.on_close(info_.id);
        }
    }

    awaitable<void> answer_http(const Request& req) {
        HttpRequest hr;
        hr.method = std::string(req.method_string());
        hr.target = std::string(req.target());
        hr.accept = std::string(req[http::field::accept]);
        hr.host = std::string(req[http::field::host]);
        hr.remote = info_.remote;
        hr.forwarded = forwarded(req);
        hr.content_type = std::string(req[http::field::content_type]);
        hr.authorization = std::string(req[http::field::authorization]);
        hr.body = req.body();
        hr.tls = tls_;
        std::optional<HttpResponse> out;
        if (core_.handler.on_http) out = core_.handler.on_http(hr);
        if (!out) out = HttpResponse{404, "text/plain", "not found; this is a wsn relay (WebSocket)\n", {}};
        co_await respond(req, std::move(*out));
    }

    bool origin_allowed(const Request& req) const {
        const auto& allowed = core_.opts.allowed_origins;
        auto origin = req.find(http::field::origin);
        if (!allowed || origin == req.end()) return true;
        return std::find(allowed->begin(), allowed->end(), std::string_view(origin->value().data(), origin->value().size())) != allowed->end();
    }

    awaitable<void> respond(const Request& req, HttpResponse out) {
        http::response<http::string_body> res{http::status(out.status), req.version()};
        res.set(http::field::server, "wsn");
        res.set(http::field::content_type, out.content_type);
        for (auto& [k, v] : out.headers) res.set(k, v);
        if (req.method() != http::verb::head) res.body() = std::move(out.body);
        res.keep_alive(false);
        res.prepare_payload();
        beast::error_code ec;
        co_await http::async_write(raw(), res, asio::redirect_error(asio::use_awaitable, ec));
        tcp().socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
    }

    awaitable<void> serve_websocket(Request req) {
        if (!origin_allowed(req)) {  // says nothing a refused page could learn from
            HttpResponse forbidden{403, "text/plain", "forbidden\n", {}};  // named: gcc 12 and co_await temporaries
            co_await respond(req, std::move(forbidden));
            co_return;
        }
        beast::error_code ec;
        auto tok = asio::redirect_error(asio::use_awaitable, ec);
        const bool wsn = offers_protocol(req, kWsnSubprotocol);
        info_.scheme = wsn ? (tls_ ? Scheme::wsns : Scheme::wsn) : (tls_ ? Scheme::wss : Scheme::ws);
        info_.path = std::string(req.target());
        info_.forwarded = forwarded(req);
        ws_.set_option(websocket::stream_base::decorator([wsn](websocket::response_type& res) {
            res.set(http::field::server, "wsn");
            if (wsn) res.set(http::field::sec_websocket_protocol, std::string(kWsnSubprotocol));
        }));
        co_await ws_.async_accept(req, tok);
        if (ec) co_return;
        ws_.auto_fragment(false);  // one frame per message: the corking layer gathers them anyway
        phase_ = Phase::handshake;
        buf_.clear();
        buf_.shrink_to_fit();

        if (!wsn && !core_.opts.allow_plaintext) {
            close_with(1008, "this relay only speaks wsn (offer subprotocol wsn.v1)", true);
        } else if (wsn) {
            ws_.binary(true);
            conn_.emplace(wsn::Connection::server(*core_.static_key, core_.opts.max_message_bytes));
            ws_.read_message_max(noise::kActThreeSize);  // the largest act, until the handshake is done
        } else {
            ws_.read_message_max(core_.opts.max_message_bytes);
            open();
        }

        for (;;) {
            co_await ws_.async_read(buf_, tok);
            if (ec) break;
            if (phase_ < Phase::closing) on_frame();
            buf_.consume(buf_.size());
            if (buf_.capacity() > kMaxIdleBuffer) buf_.shrink_to_fit();
            co_await input_room();
        }
        if (ec == websocket::error::message_too_big) close_with(1009, "message too big", true);
        if (conn_ && !established) core_.handshake_failures++;
        phase_ = Phase::finished;
        if (close_timer_) close_timer_->cancel();
    }

    // The handshake is complete (or there is none): the application may see the session.
    void open() {
        tcp().expires_never();
        ws_.set_option(websocket::stream_base::timeout{core_.opts.handshake_timeout, core_.opts.idle_timeout, true});
        phase_ = Phase::open;
        established = true;
        core_.open_by_scheme[size_t(info_.scheme)]++;
        if (core_.handler.on_open) core_.handler.on_open(info_);
    }

    void on_frame() {
        if (!conn_) {
            auto data = buf_.cdata();
            deliver(std::string(static_cast<const char*>(data.data()), data.size()));
            return;
        }
        pump(*conn_, buf_, ws_.got_binary(), [this](wsn::Event& ev) {
            enqueue_outgoing();  // act two, before anything the event leads to
            if (auto* done = std::get_if<wsn::HandshakeDone>(&ev)) {
                info_.client_key = done->remote;
                ws_.read_message_max(conn_->max_payload());
                open();
            } else if (auto* m = std::get_if<wsn::Message>(&ev)) {
                deliver(std::string(m->text()));
            } else if (auto* e = std::get_if<wsn::ProtocolError>(&ev)) {
                close_with(uint16_t(e->code), close_reason(*e), true);
            }
        });
        enqueue_outgoing();
    }

    void enqueue_outgoing() {
        for (auto& m : conn_->take_outgoing()) enqueue(std::move(m));
    }

    void deliver(std::string text) {
        if (core_.opts.max_unconsumed_bytes_per_session) {  // before the consumer can take it off
            const size_t n = text.size() + kInputMessageOverhead;
            unconsumed += n;
            core_.unconsumed_total += n;
        }
        if (core_.handler.on_message) core_.handler.on_message(info_.id, std::move(text));
    }

    // Past its input share the session reads nothing more until the application has
    // consumed enough (Server::consumed posts the resume): the kernel's buffers fill and
    // TCP slows this client down, no one else. A close wakes it too.
    awaitable<void> input_room() {
        if (!core_.opts.max_unconsumed_bytes_per_session) co_return;
        while (phase_ < Phase::closing && core_.input_over_share(unconsumed)) {
            core_.input_pauses++;
            read_paused = true;
            // Consumed in between, and not resumed by consumed(): go on at once.
            if (!core_.input_over_share(unconsumed) && read_paused.exchange(false)) break;
            if (!resume_timer_) resume_timer_.emplace(ws_.get_executor());
            resume_timer_->expires_at(asio::steady_timer::time_point::max());
            beast::error_code ec;
            co_await resume_timer_->async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
    }
    void wake_reader() {
        if (resume_timer_) resume_timer_->cancel();
    }

    void send(Outgoing out) {
        const size_t posted = size_of(out);  // counted in unsent by Server::send
        if (phase_ == Phase::open && posted) {
            if (!conn_) std::visit([&](auto& t) { enqueue(std::move(t)); }, out);
            else if (conn_->send(text_of(out))) enqueue_outgoing();
            if (scratch_.capacity() > kMaxIdleBuffer) scratch_ = {};
        }
        unsent -= posted;  // after enqueue counted its frames: unsent never dips in between
        check_drained();
    }

    // A wsn message is sealed from one contiguous text: a shared one is put together here.
    std::string_view text_of(const Outgoing& out) {
        if (auto* s = std::get_if<std::string>(&out)) return *s;
        const auto& t = std::get<SharedText>(out);
        scratch_.clear();
        scratch_.append(t.head).append(t.body).append(t.tail);
        return scratch_;
    }

    void check_drained() {
        const size_t mark = drain_mark.load();
        if (mark != kNoMark && unsent <= mark && take_drain_mark(mark) && core_.handler.on_drained)
            core_.handler.on_drained(info_.id);
    }

    void enqueue(Frame frame) {
        const size_t size = std::visit([](auto& b) { return b.size(); }, frame);
        const size_t cap_total = core_.opts.max_queued_bytes_total;
        if (queued_bytes_ + size > core_.opts.max_send_queue_bytes ||
            (cap_total && queued_bytes_ + size > kFairOutputShare && core_.queued_bytes_total + size > cap_total)) {
            core_.slow_reader_closes++;
            close_with(1008, "slow reader: send queue full", true);
            return;
        }
        queued_bytes_ += size;
        core_.queued_bytes_total += size;
        unsent += size;
        queue_.push_back(std::move(frame));
        if (!writing_ && !holding_) write_batch();
    }

    // Writes queued frames in order, all those queued (up to kMaxBatchBytes) in one write:
    // Beast frames each into the corking layer (synchronously: it only appends), which then
    // writes them at once; on_written takes the next batch. The frames count as unsent until
    // their write is done. A pending close goes out after the batch in flight.
    void write_batch() {
        writing_ = true;
        beast::error_code ec;
        size_t bytes = 0, frames = 0;
        for (; frames < queue_.size() && bytes < kMaxBatchBytes && !ec; ++frames)
            bytes += std::visit([&](auto& f) { return write_frame(f, ec); }, queue_[frames]);
        if (ec) return end_writing(false);
        batch_frames_ = frames;
        batch_bytes_ = bytes;
        batch_end_ = ws_.next_layer().appended();
        ws_.next_layer().flush();
    }
    template <class Bytes>
    size_t write_frame(const Bytes& b, beast::error_code& ec) {
        ws_.write(asio::buffer(b.data(), b.size()), ec);
        return b.size();
    }
    size_t write_frame(const SharedText& t, beast::error_code& ec) {
        const std::array<asio::const_buffer, 3> parts{asio::buffer(t.head), asio::buffer(t.body.data(), t.body.size()),
                                                      asio::buffer(t.tail.data(), t.tail.size())};
        ws_.write(parts, ec);
        return t.size();
    }

    // The corking layer finished a write: a batch of ours, part of one, or Beast's own frame.
    void on_written() {
        auto& cork = ws_.next_layer();
        if (!writing_ || (!cork.error() && cork.written() < batch_end_)) return;
        if (cork.error()) return end_writing(false);
        queued_bytes_ -= batch_bytes_;
        core_.queued_bytes_total -= batch_bytes_;
        unsent -= batch_bytes_;
        queue_.erase(queue_.begin(), queue_.begin() + ptrdiff_t(batch_frames_));
        check_drained();
        if (queue_.empty() || phase_ == Phase::finished || (close_code_ && drop_queue_)) return end_writing(true);
        write_batch();
    }

    // Drops what is still queued; after the last batch went out, a pending close follows.
    void end_writing(bool written) {
        queue_.clear();
        if (queue_.capacity() > kKeepQueue) queue_ = {};
        core_.queued_bytes_total -= queued_bytes_;
        unsent -= queued_bytes_;
        queued_bytes_ = 0;
        writing_ = false;
        if (close_code_ && written) asio::co_spawn(ws_.get_executor(), close_now(this->shared_from_this()), asio::detached);
    }

    // Closes with a code and reason once the frames queued before are out (all of them,
    // or only the one in flight if drop_queue). A peer that does not take part in the
    // close handshake is cut off after a grace period.
    void close_with(uint16_t code, std::string reason, bool drop_queue) {
        if (phase_ >= Phase::closing) return;
        const bool upgraded = phase_ != Phase::http;
        phase_ = Phase::closing;
        wake_reader();  // a paused read loop reads on, to see the peer's close
        if (!upgraded) {  // still in TLS or HTTP: nothing to say the reason with
            tcp().close();
            return;
        }
        close_code_ = code;
        close_reason_ = std::move(reason);
        drop_queue_ = drop_queue;
        close_timer_.emplace(ws_.get_executor());
        close_timer_->expires_after(kCloseGrace);
        close_timer_->async_wait([w = this->weak_from_this()](beast::error_code ec) {
            if (auto self = w.lock(); self && !ec && self->phase_ != Phase::finished) self->tcp().close();
        });
        if (!writing_) asio::co_spawn(ws_.get_executor(), close_now(this->shared_from_this()), asio::detached);
    }
    awaitable<void> close_now(Self /*kept alive*/) { co_await send_close(); }
    awaitable<void> send_close() {
        beast::error_code ec;
        co_await ws_.async_close(close_frame(close_code_, close_reason_), asio::redirect_error(asio::use_awaitable, ec));
    }

    static constexpr size_t kMaxIdleBuffer = 4096;
    static constexpr size_t kKeepIncoming = 64;  // texts; a larger take_incoming buffer is given back
    static constexpr size_t kKeepQueue = 16;     // frames; a larger empty queue is given back
    // One write's worth of frames: bounds the copy the corking layer holds beside the queue.
    static constexpr size_t kMaxBatchBytes = 256 * 1024;

    ServerCore& core_;
    bool tls_;
    ClientBlock from_;
    websocket::stream<CorkingStream<Stream>, false> ws_;  // no permessage-deflate: no per-session zlib state
    beast::flat_buffer buf_;
    SessionInfo info_;
    std::optional<wsn::Connection> conn_;  // wsn and wsns only
    std::vector<Frame> queue_;  // a batch is framed synchronously: no reference outlives a push
    std::mutex incoming_mu_;
    std::vector<Outgoing> incoming_;  // posted by other threads (post_send), under incoming_mu_
    std::vector<Outgoing> taken_;     // incoming_ swapped out, on the session's executor
    std::string scratch_;             // a shared text put together for sealing (wsn)
    size_t batch_frames_ = 0, batch_bytes_ = 0;  // the batch being written
    uint64_t batch_end_ = 0;                     // where it ends in the corking layer's bytes
    size_t queued_bytes_ = 0;
    // Where the session is in its life; it only moves forward. Whether the application
    // saw it open is `established` (on_close is owed then, even after closing).
    enum class Phase {
        http,       // TLS and the HTTP request: a close just drops the socket
        handshake,  // WebSocket up, the wsn acts under way (ws/wss pass straight through)
        open,       // messages flow both ways
        closing,    // a close is due or sent: nothing more is sent or delivered
        finished,   // the read loop has ended
    };
    Phase phase_ = Phase::http;
    bool writing_ = false;     // a batch is being written (write_batch .. end_writing)
    bool holding_ = false;     // take_incoming is queueing: the write starts after it
    bool drop_queue_ = false;  // the pending close skips what is still queued
    uint16_t close_code_ = 0;
    std::string close_reason_;
    std::optional<asio::steady_timer> close_timer_;
    std::optional<asio::steady_timer> resume_timer_;  // input_room's wait, cancelled to resume
};

}  // namespace

void start_session(ServerCore& core, asio::ip::tcp::socket socket, bool tls, ClientBlock from) {
    boost::system::error_code ec;
    socket.set_option(asio::ip::tcp::no_delay(true), ec);
    if (tls) {
        std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(core, true, from, std::move(socket),
                                                                        *core.tls)
            ->start();
    } else {
        std::make_shared<Session<beast::tcp_stream>>(core, false, from, std::move(socket))->start();
    }
}

}  // namespace wsn::net::detail
