// The listeners and the session registry; the sessions themselves are in session.cpp.
#include "wsn/net/server.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <thread>
#include <utility>  // before Asio: its awaitable.hpp uses std::exchange

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "wsn/net/server_core.hpp"

namespace wsn::net {

namespace asio = boost::asio;
using asio::ip::tcp;

Result<ListenAddress> parse_listen_address(std::string_view s) {
    auto fail = [&](const std::string& why) { return err("listen address '" + std::string(s) + "': " + why); };
    auto hp = split_host_port(s);
    if (!hp) return fail(hp.error().message);
    if (!hp->port) return fail("expected ADDR:PORT or [V6]:PORT");
    auto host = parse_ip(hp->host);
    if (!host) return fail(host.error().message);
    // Port 0 is allowed here: any free port (see Server::bound()).
    auto port = *hp->port == "0" ? Result<uint16_t>(uint16_t(0)) : parse_port(*hp->port);
    if (!port) return fail(port.error().message);
    ListenAddress out;
    out.host = host->name;
    out.port = *port;
    return out;
}

struct Server::Impl : detail::ServerCore {
    using ServerCore::ServerCore;

    asio::io_context ioc;
    std::optional<asio::ssl::context> tls_ctx;
    std::vector<tcp::acceptor> acceptors;
    std::vector<ListenAddress> bound;

    Status make_tls() {
        if (opts.tls_cert_file.empty() || opts.tls_key_file.empty())
            return err("a TLS listener needs a certificate and key (tls_cert_file, tls_key_file)");
        tls_ctx.emplace(asio::ssl::context::tls_server);
        tls_ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                             asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                             asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
        // OpenSSL's record buffers (~34 KB) are freed while a connection is idle.
        SSL_CTX_set_mode(tls_ctx->native_handle(), SSL_MODE_RELEASE_BUFFERS);
        boost::system::error_code ec;
        tls_ctx->use_certificate_chain_file(opts.tls_cert_file, ec);
        if (ec) return err("cannot load TLS certificate " + opts.tls_cert_file + ": " + ec.message());
        tls_ctx->use_private_key_file(opts.tls_key_file, asio::ssl::context::pem, ec);
        if (ec) return err("cannot load TLS key " + opts.tls_key_file + ": " + ec.message());
        tls = &*tls_ctx;
        return Ok{};
    }

    Status listen(const ListenAddress& la) {
        const std::string name = format_host_port(la.host, la.port);
        boost::system::error_code ec;
        auto addr = asio::ip::make_address(la.host, ec);
        if (ec) return err("cannot listen on " + name + ": not an IP address");
        tcp::endpoint ep(addr, la.port);
        tcp::acceptor acc(ioc);
        if (!acc.open(ep.protocol(), ec)) acc.set_option(asio::socket_base::reuse_address(true), ec);
        // Each listener serves one family: "::" beside "0.0.0.0" on the same port must not clash.
        if (!ec && addr.is_v6()) acc.set_option(asio::ip::v6_only(true), ec);
        if (!ec) acc.bind(ep, ec);
        if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
        if (ec) return err("cannot listen on " + name + ": " + ec.message());
        ListenAddress b = la;
        b.port = acc.local_endpoint().port();
        bound.push_back(b);
        acceptors.push_back(std::move(acc));
        return Ok{};
    }

    asio::awaitable<void> accept_loop(tcp::acceptor& acc, bool with_tls) {
        boost::system::error_code ec;
        auto tok = asio::redirect_error(asio::use_awaitable, ec);
        for (;;) {
            auto exec = opts.io_threads > 1 ? asio::any_io_executor(asio::make_strand(ioc)) : ioc.get_executor();
            tcp::socket sock = co_await acc.async_accept(exec, tok);
            if (stopping) co_return;
            if (ec) {
                if (ec == asio::error::operation_aborted) co_return;
                // Out of descriptors: free one from an unfinished handshake; any other
                // transient failure: back off instead of spinning.
                bool out_of_fds = ec == asio::error::no_descriptors || ec.value() == ENFILE;
                asio::steady_timer t(ioc, std::chrono::milliseconds(out_of_fds && shed_oldest_handshake() ? 5 : 100));
                co_await t.async_wait(tok);
                continue;
            }
            auto remote = sock.remote_endpoint(ec);
            if (ec) continue;  // already gone
            ClientBlock from = client_block(remote.address());
            Refusal r = admission->enter(from);
            // Full: an unfinished handshake makes room (a flood of idle connections from
            // many hosts then cannot keep out a client that completes its handshake).
            if (r == Refusal::total && shed_oldest_handshake()) r = admission->enter(from, true);
            if (r == Refusal::none) detail::start_session(*this, std::move(sock), with_tls, from);
            // Otherwise closing the socket is the answer: nothing was read yet.
            if (r == Refusal::total) refused_total++;
            if (r == Refusal::per_ip) refused_per_ip++;
        }
    }
};

Server::Server(ServerOptions opts, ServerHandler handler)
    : impl_(std::make_unique<Impl>(std::move(opts), std::move(handler))) {
    impl_->static_key.emplace(noise::StaticKey::even_y(impl_->opts.key));
}

Server::~Server() {
    impl_->stopping = true;
    impl_->ioc.stop();
}

namespace {

// Descriptors kept for what is not a connection: the database, the plugin's pipes, the
// store's PostgreSQL connections, logs, TLS files.
constexpr size_t kReservedDescriptors = 128;

// Raises the soft open-file limit to the hard one; returns the soft limit in force.
size_t raise_open_file_limit() {
    rlimit rl{};
    if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return 1024;
    if (rl.rlim_cur < rl.rlim_max) {
        rlimit want = rl;
        want.rlim_cur = rl.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &want) == 0) rl = want;
    }
    return rl.rlim_cur == RLIM_INFINITY ? SIZE_MAX : size_t(rl.rlim_cur);
}

}  // namespace

Status Server::start() {
    auto& im = *impl_;
    if (im.opts.listen.empty()) return err("no listen address given");
    const size_t fds = raise_open_file_limit();
    const size_t fit = fds > 2 * kReservedDescriptors ? fds - kReservedDescriptors : fds / 2;
    im.max_connections = im.opts.max_connections ? std::min(im.opts.max_connections, fit) : fit;
    im.admission.emplace(AdmissionLimits{im.max_connections, im.opts.max_connections_per_ip});
    for (const auto& la : im.opts.listen) {
        if (la.tls && !im.tls)
            if (auto s = im.make_tls(); !s) return s;
        if (auto s = im.listen(la); !s) return s;
    }
    for (size_t i = 0; i < im.acceptors.size(); ++i)
        asio::co_spawn(im.ioc, im.accept_loop(im.acceptors[i], im.bound[i].tls), asio::detached);
    return Ok{};
}

std::vector<ListenAddress> Server::bound() const { return impl_->bound; }

void Server::run() {
    std::vector<std::thread> extra;
    for (unsigned i = 1; i < impl_->opts.io_threads; ++i) extra.emplace_back([this] { impl_->ioc.run(); });
    impl_->ioc.run();
    for (auto& t : extra) t.join();
}

void Server::stop() {
    asio::post(impl_->ioc, [im = impl_.get()] {
        if (im->stopping.exchange(true)) return;
        for (auto& a : im->acceptors) {
            boost::system::error_code ec;
            a.close(ec);
        }
        im->for_each([](detail::SessionBase& s) { s.post_close(1001, "relay shutting down"); });
    });
}

namespace {
template <class Text>
size_t send_to(detail::ServerCore& core, uint64_t session, Text text) {
    auto s = core.find(session);
    if (!s) return 0;
    const size_t unsent = s->unsent += text.size();  // the session takes it off when it has framed it
    s->post_send(std::move(text));
    return unsent;
}
}  // namespace

size_t Server::send(uint64_t session, std::string text) { return send_to(*impl_, session, std::move(text)); }
size_t Server::send(uint64_t session, SharedText text) { return send_to(*impl_, session, std::move(text)); }

void Server::send_all(std::vector<Delivery>& deliveries) {
    auto& im = *impl_;
    thread_local std::vector<std::shared_ptr<detail::SessionBase>> found, wake;
    im.find_all(deliveries.size(), [&](size_t i) { return deliveries[i].session; }, found);
    wake.clear();
    for (size_t i = 0; i < deliveries.size(); ++i) {
        auto& s = found[i];
        if (!s) continue;
        s->unsent += deliveries[i].text.size();  // as send_to does
        if (s->stage(std::move(deliveries[i].text))) wake.push_back(std::move(s));
    }
    found.clear();
    if (im.opts.io_threads > 1) {  // each session is on a strand of its own
        for (auto& s : wake) s->post_take();
    } else if (!wake.empty()) {  // one executor: one post runs every take
        asio::post(im.ioc, [w = std::move(wake)] {
            for (auto& s : w) s->take_incoming();
        });
    }
    wake.clear();
}

bool Server::notify_drained(uint64_t session, size_t mark) {
    auto s = impl_->find(session);
    if (!s) return false;
    s->drain_mark = mark;
    return s->unsent <= mark && s->take_drain_mark(mark);  // else the session's I/O thread takes it
}

void Server::consumed(uint64_t session, size_t bytes, size_t messages) {
    auto& im = *impl_;
    if (!im.opts.max_unconsumed_bytes_per_session) return;
    auto s = im.find(session);
    if (!s) return;  // gone: its destructor took its input off the total
    const size_t n = bytes + messages * kInputMessageOverhead;
    const size_t mine = s->unconsumed -= n;
    im.unconsumed_total -= n;
    if (s->read_paused && im.input_may_resume(mine) && s->read_paused.exchange(false)) s->post_resume_read();
}

void Server::close(uint64_t session, uint16_t code, std::string reason) {
    if (auto s = impl_->find(session)) s->post_close(code, std::move(reason));
}

ServerStats Server::stats() const {
    ServerStats st;
    for (size_t i = 0; i < 4; ++i) st.open_by_scheme[i] = impl_->open_by_scheme[i].load();
    st.handshake_failures = impl_->handshake_failures.load();
    st.tls_handshake_failures = impl_->tls_handshake_failures.load();
    st.slow_reader_closes = impl_->slow_reader_closes.load();
    st.refused_total = impl_->refused_total.load();
    st.refused_per_ip = impl_->refused_per_ip.load();
    st.shed_handshakes = impl_->shed_handshakes.load();
    st.input_pauses = impl_->input_pauses.load();
    st.unconsumed_bytes = impl_->unconsumed_total.load();
    st.max_connections = impl_->max_connections;
    return st;
}

}  // namespace wsn::net
