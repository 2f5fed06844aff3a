#pragma once
// A stream layer beneath Beast's websocket::stream that gathers what is written into it and
// hands it to the stream below in one write: a session frames every message ready for it
// (Beast does the framing, synchronously, into this layer) and then flushes once, so a
// burst of messages costs one system call (one TLS record run with TLS), not one each.
//
// - write_some (sync) only appends; it never blocks and never fails but after a failed flush.
// - async_write_some (Beast's own ping, pong and close frames) appends and starts a flush.
// - flush() starts a write of what is appended; on_write's callback runs after each write
//   ends (written() and error() tell how far it got), within flush() itself when a plain TCP
//   socket took everything at once; async_flush completes once everything appended before
//   it has been written.
// Reads pass straight through. One write is in flight at a time; what is appended meanwhile
// goes in the next. The owner given to keep_alive_with is held while a write is in flight,
// so the layers below (and whoever on_write calls) outlive every operation on them.
#include <cstddef>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

#include <boost/asio/async_result.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/teardown.hpp>

namespace wsn::net {

template <class Next>
class CorkingStream {
public:
    using next_layer_type = Next;
    using executor_type = typename Next::executor_type;
    using error_code = boost::beast::error_code;

    template <class... Args>
    explicit CorkingStream(Args&&... args) : next_(std::forward<Args>(args)...), flushed_(next_.get_executor()) {
        flushed_.expires_at(boost::asio::steady_timer::time_point::max());
    }
    CorkingStream(const CorkingStream&) = delete;
    CorkingStream& operator=(const CorkingStream&) = delete;

    executor_type get_executor() noexcept { return next_.get_executor(); }
    Next& next_layer() noexcept { return next_; }
    const Next& next_layer() const noexcept { return next_; }

    // Held (locked) for as long as a flush is in flight; without a live owner nothing is flushed.
    void keep_alive_with(std::weak_ptr<void> owner) { owner_ = std::move(owner); }

    // Called after each write ends, on the stream's executor.
    void on_write(std::function<void()> f) { on_write_ = std::move(f); }

    // Byte counts since the start: appended to the layer, written below it.
    uint64_t appended() const noexcept { return appended_; }
    uint64_t written() const noexcept { return written_; }
    size_t unflushed() const noexcept { return size_t(appended_ - written_); }
    // The first failed write; every later write fails with it.
    const error_code& error() const noexcept { return error_; }

    // Starts writing what is appended, unless a write is in flight (it goes on after it).
    void flush() {
        if (flushing_ || pending_.size() == 0 || error_) return;
        auto owner = owner_.lock();
        if (!owner) return;  // the session is going away: there is nothing left to write to
        if (write_now()) {
            flushed_.cancel();
            if (on_write_) on_write_();
            return;
        }
        std::swap(pending_, inflight_);
        flushing_ = true;
        boost::asio::async_write(next_, inflight_.data(),
                                 [this, owner = std::move(owner)](error_code ec, size_t n) {
                                     flushing_ = false;
                                     written_ += n;
                                     inflight_.clear();
                                     if (inflight_.capacity() > kKeepCapacity) inflight_.shrink_to_fit();
                                     if (ec) error_ = ec;
                                     flush();  // what was appended meanwhile
                                     flushed_.cancel();
                                     if (on_write_) on_write_();
                                 });
    }

    template <class MutableBuffers>
    size_t read_some(const MutableBuffers& b, error_code& ec) {
        return next_.read_some(b, ec);
    }
    template <class MutableBuffers>
    size_t read_some(const MutableBuffers& b) {
        return next_.read_some(b);
    }
    template <class MutableBuffers, class Token>
    auto async_read_some(const MutableBuffers& b, Token&& token) {
        return next_.async_read_some(b, std::forward<Token>(token));
    }

    template <class ConstBuffers>
    size_t write_some(const ConstBuffers& b, error_code& ec) {
        ec = error_;
        return ec ? 0 : append(b);
    }
    template <class ConstBuffers>
    size_t write_some(const ConstBuffers& b) {
        error_code ec;
        const size_t n = write_some(b, ec);
        if (ec) throw boost::system::system_error(ec);
        return n;
    }

    template <class ConstBuffers, class Token>
    auto async_write_some(const ConstBuffers& b, Token&& token) {
        return boost::asio::async_initiate<Token, void(error_code, size_t)>(
            [this](auto handler, const ConstBuffers& bufs) {
                error_code ec = error_;
                const size_t n = ec ? 0 : append(bufs);
                flush();
                auto ex = boost::asio::get_associated_executor(handler, get_executor());
                boost::asio::post(ex, boost::beast::bind_front_handler(std::move(handler), ec, n));
            },
            token, b);
    }

    // Completes (never inline) once everything appended so far is written, or with the
    // error that stopped it.
    template <class Token>
    auto async_flush(Token&& token) {
        return boost::asio::async_compose<Token, void(error_code)>(
            [this, target = appended_, started = false](auto& self, error_code = {}) mutable {
                flush();  // may finish at once
                const bool done = error_ || written_ >= target;
                if (done && started) return self.complete(error_);
                if (done) {
                    started = true;
                    return boost::asio::post(get_executor(), std::move(self));
                }
                started = true;
                flushed_.async_wait(std::move(self));  // woken (cancelled) when a write ends
            },
            token, next_);
    }

private:
    // Kept between flushes; more than this is given back so an idle session stays small.
    static constexpr size_t kKeepCapacity = 4096;

    // A plain TCP socket mostly takes a batch at once: one send, without an asynchronous
    // operation's round through the reactor. True if everything went; what it did not take
    // goes the asynchronous way.
    bool write_now() {
        if constexpr (std::is_same_v<Next, boost::beast::tcp_stream>) {
            auto& sock = next_.socket();
            error_code ec;
            if (!sock.non_blocking()) sock.non_blocking(true, ec);  // a full buffer says would_block
            const size_t n = ec ? 0 : sock.write_some(pending_.data(), ec);
            pending_.consume(n);
            if (pending_.size() == 0 && pending_.capacity() > kKeepCapacity) pending_.shrink_to_fit();
            written_ += n;
            if (ec && ec != boost::asio::error::would_block) error_ = ec;
            return error_ || pending_.size() == 0;
        } else {
            return false;
        }
    }

    template <class ConstBuffers>
    size_t append(const ConstBuffers& b) {
        const size_t n = boost::asio::buffer_size(b);
        pending_.commit(boost::asio::buffer_copy(pending_.prepare(n), b));
        appended_ += n;
        return n;
    }

    Next next_;
    boost::beast::flat_buffer pending_, inflight_;
    uint64_t appended_ = 0, written_ = 0;  // byte counts since the start
    bool flushing_ = false;
    error_code error_;  // the first failed write; every later write fails with it
    boost::asio::steady_timer flushed_;  // never expires: waiters are woken by cancel()
    std::weak_ptr<void> owner_;
    std::function<void()> on_write_;
};

// Beast's close handshake ends with a teardown of the layer below the WebSocket: the close
// frame still in this layer goes out first.
template <class Next, class Handler>
void async_teardown(boost::beast::role_type role, CorkingStream<Next>& s, Handler&& handler) {
    s.async_flush([&s, role, h = std::forward<Handler>(handler)](boost::beast::error_code) mutable {
        using boost::beast::websocket::async_teardown;
        async_teardown(role, s.next_layer(), std::move(h));
    });
}

}  // namespace wsn::net
