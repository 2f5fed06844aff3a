#include "relay/verifier.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "nostr/message.hpp"
#include "relay/accept.hpp"
#include "relay/ingest_batch.hpp"
#include "relay/relay_url.hpp"
#include "relay/write_policy.hpp"
#include "util/hex.hpp"

namespace wsn::relay {

namespace {

bool has_protected_tag(const nostr::Event& e) {
    return std::any_of(e.tags.begin(), e.tags.end(), [](const nostr::Tag& t) { return t.size() >= 1 && t[0] == "-"; });
}

constexpr std::string_view kPrivateKindsAuth =
    "auth-required: these kinds are served only to their author or recipient; authenticate (NIP-42) first";

constexpr std::string_view kBlockedIp = "blocked: your address is blocked on this relay";

Readers readers(const auto& c) { return Readers(c.authed.begin(), c.authed.end()); }  // a set: sorted

}  // namespace

Verifier::Verifier(Shared& sh, Inbox<IngestMsg>& inbox) : sh_(sh), inbox_(inbox), parser_(sh.limits) {}

void Verifier::run() {
    inbox_.run_until_closed([&](std::vector<IngestMsg>& batch) {
        refresh_moderation();
        drop_texts_of_closed(batch);  // their sessions are gone: nothing to consume
        for (auto& m : batch) {
            std::visit(
                [&](auto& v) {
                    using T = std::decay_t<decltype(v)>;
                    if constexpr (std::is_same_v<T, in::Open>) open(std::move(v.info), std::move(v.ip));
                    else if constexpr (std::is_same_v<T, in::Text>) {
                        auto& [bytes, count] = consumed_[v.conn];
                        bytes += v.text.size();
                        ++count;
                        text(v.conn, std::move(v.text));
                    }
                    else {
                        if (auto it = conns_.find(v.conn); it != conns_.end()) {
                            const auto& info = it->second.info;
                            spdlog::info("close #{} {} {}", info.id, scheme_name(info.scheme), it->second.ip);
                            sh_.metrics.connection_closed(info.scheme);
                        }
                        conns_.erase(v.conn);
                        sh_.query_for(v.conn).push(req::CloseConn{v.conn});
                        sh_.neg_inbox.push(neg::CloseConn{v.conn});
                    }
                },
                m);
        }
        // Once per connection and batch, not per message: each call takes the server's
        // session registry lock. Then the sessions may read on (input backpressure).
        for (const auto& [conn, c] : consumed_) sh_.server->consumed(conn, c.first, c.second);
        consumed_.clear();
    });
}

void Verifier::refresh_moderation() {
    const uint64_t v = sh_.moderation.version();
    if (v == moderation_version_) return;
    moderation_version_ = v;
    moderation_ = sh_.moderation.get();
    if (moderation_->blocked_ips.empty()) return;
    for (const auto& [id, c] : conns_)  // closed now; the Closed message that follows removes them
        if (moderation_->blocks_ip(c.ip)) sh_.server->close(id, 1008, std::string(kBlockedIp));
}

void Verifier::open(net::SessionInfo info, std::string ip) {
    if (moderation_->blocks_ip(ip)) return sh_.server->close(info.id, 1008, std::string(kBlockedIp));
    Conn c;
    c.ip = std::move(ip);
    if (info.client_key) c.authed.insert(*info.client_key);
    std::array<uint8_t, 16> r;
    crypto::random_bytes(r);
    c.challenge = to_hex(r);
    uint64_t id = info.id;
    c.info = std::move(info);
    conns_[id] = std::move(c);
    sh_.server->send(id, nostr::to_json(nostr::RelayMessage{nostr::RelayAuth{conns_[id].challenge}}));
}

void Verifier::reject(uint64_t conn, const Error& e) {
    const auto& ctx = parser_.error_context();
    using C = nostr::ErrorContext::Command;
    if ((ctx.command == C::event || ctx.command == C::auth) && ctx.event_id)
        sh_.send_ok(conn, *ctx.event_id, false, e.message);
    else if ((ctx.command == C::req || ctx.command == C::count) && ctx.sub_id)
        sh_.send_closed(conn, *ctx.sub_id, e.message);
    else if (ctx.command == C::neg && ctx.sub_id)
        sh_.send_neg_err(conn, *ctx.sub_id, e.message);
    else
        sh_.send_notice(conn, e.message);
}

void Verifier::text(uint64_t conn, std::string text) {
    auto it = conns_.find(conn);
    if (it == conns_.end()) return;  // closed meanwhile
    Conn& c = it->second;
    auto parsed = parser_.parse_client_message(text);
    if (!parsed) {
        sh_.metrics.messages.inc("invalid");
        reject(conn, parsed.error());
        return;
    }
    std::visit(
        [&](auto& m) {
            using T = std::decay_t<decltype(m)>;
            if constexpr (std::is_same_v<T, nostr::ClientEvent>) on_event(c, m);
            else if constexpr (std::is_same_v<T, nostr::ClientReq>) on_req(c, m);
            else if constexpr (std::is_same_v<T, nostr::ClientCount>) on_count(c, m);
            else if constexpr (std::is_same_v<T, nostr::ClientClose>) on_close(c, m);
            else if constexpr (std::is_same_v<T, nostr::ClientNegOpen>) on_neg_open(c, m);
            else if constexpr (std::is_same_v<T, nostr::ClientNegMsg>) {
                sh_.metrics.messages.inc("NEG-MSG");
                sh_.neg_inbox.push(neg::Msg{conn, std::move(m.sub_id), std::move(m.message)});
            } else if constexpr (std::is_same_v<T, nostr::ClientNegClose>) {
                sh_.metrics.messages.inc("NEG-CLOSE");
                sh_.neg_inbox.push(neg::Close{conn, std::move(m.sub_id)});
            } else {
                on_auth(c, m);
            }
        },
        *parsed);
}

std::string Verifier::check_write(const Conn& c, const nostr::Event& e, int64_t now) {
    if (sh_.cfg.auth_required_write && c.authed.empty())
        return "auth-required: this relay requires authentication to publish";
    if (std::string why = event_refusal(sh_.cfg, *moderation_, e, now); !why.empty()) return why;
    // NIP-70: even a connection authenticated as someone else may still AUTH as the author.
    if (has_protected_tag(e) && !c.authed.count(e.pubkey))
        return "auth-required: this event may only be published by its author";
    return "";
}

// The cheap checks first, then the per-IP limit, and only then the signature, the
// costly step, so a flood of bad events is refused for the price of parsing it. The
// per-pubkey limit comes after the signature: before it, anyone could spend another
// author's tokens.
void Verifier::on_event(Conn& c, nostr::ClientEvent& m) {
    sh_.metrics.messages.inc("EVENT");
    nostr::Event& e = m.event;
    auto refuse = [&](std::string_view why) {
        sh_.metrics.events.inc("rejected");
        sh_.send_ok(c.info.id, e.id, false, why);
    };
    int64_t now = unix_now();
    if (std::string why = check_write(c, e, now); !why.empty()) return refuse(why);
    double t = now_seconds();
    if (!sh_.events_per_ip.allow(c.ip, t)) {
        sh_.metrics.rate_limited.inc("events_per_ip");
        return refuse("rate-limited: too many events from your address, slow down");
    }
    if (auto v = nostr::verify(e, scratch_); !v) return refuse(v.error().message);
    if (!sh_.events_per_pubkey.allow(e.pubkey.hex(), t)) {
        sh_.metrics.rate_limited.inc("events_per_pubkey");
        return refuse("rate-limited: too many events from this pubkey, slow down");
    }
    LiveEvent ev(std::move(e));  // its one serialization: what the plugin, the store and every reader get
    if (sh_.write_policy)
        return sh_.policy_inbox.push(CheckPolicy{c.info.id, std::move(ev), policy_source(c.info, c.ip), now});
    sh_.accept_event(c.info.id, std::move(ev));
}

bool Verifier::allow_req(const Conn& c) {
    if (sh_.reqs_per_ip.allow(c.ip, now_seconds())) return true;
    sh_.metrics.rate_limited.inc("reqs_per_ip");
    return false;
}

void Verifier::on_req(Conn& c, nostr::ClientReq& m) {
    sh_.metrics.messages.inc("REQ");
    if (sh_.cfg.auth_required_read && c.authed.empty())
        return sh_.send_closed(c.info.id, m.sub_id, "auth-required: this relay requires authentication to read");
    if (!allow_req(c)) return sh_.send_closed(c.info.id, m.sub_id, "rate-limited: too many requests, slow down");
    if (!c.subs.count(m.sub_id) && c.subs.size() >= sh_.cfg.max_subscriptions)
        return sh_.send_closed(c.info.id, m.sub_id,
                               "error: too many subscriptions (max " + std::to_string(sh_.cfg.max_subscriptions) + ")");
    if (c.authed.empty() && sh_.private_kinds.only_private(m.filters))
        return sh_.send_closed(c.info.id, m.sub_id, kPrivateKindsAuth);
    c.subs.insert(m.sub_id);
    sh_.query_for(c.info.id).push(req::Open{c.info.id, std::move(m.sub_id), std::move(m.filters), readers(c), c.ip});
}

void Verifier::on_count(Conn& c, nostr::ClientCount& m) {
    sh_.metrics.messages.inc("COUNT");
    if (sh_.cfg.auth_required_read && c.authed.empty())
        return sh_.send_closed(c.info.id, m.sub_id, "auth-required: this relay requires authentication to read");
    if (!allow_req(c)) return sh_.send_closed(c.info.id, m.sub_id, "rate-limited: too many requests, slow down");
    if (c.authed.empty() && sh_.private_kinds.only_private(m.filters))
        return sh_.send_closed(c.info.id, m.sub_id, kPrivateKindsAuth);
    sh_.query_for(c.info.id).push(req::Count{c.info.id, std::move(m.sub_id), std::move(m.filters), readers(c), c.ip});
}

void Verifier::on_close(Conn& c, nostr::ClientClose& m) {
    sh_.metrics.messages.inc("CLOSE");
    c.subs.erase(m.sub_id);
    sh_.query_for(c.info.id).push(req::Close{c.info.id, std::move(m.sub_id)});
}

// A sync reads like a REQ: the same authentication rule and rate limit.
void Verifier::on_neg_open(Conn& c, nostr::ClientNegOpen& m) {
    sh_.metrics.messages.inc("NEG-OPEN");
    auto refuse = [&](std::string_view why) { sh_.send_neg_err(c.info.id, m.sub_id, why); };
    if (sh_.cfg.auth_required_read && c.authed.empty())
        return refuse("auth-required: this relay requires authentication to read");
    if (!allow_req(c)) return refuse("rate-limited: too many requests, slow down");
    sh_.neg_inbox.push(neg::Open{c.info.id, std::move(m.sub_id), std::move(m.filter), std::move(m.message)});
}

// NIP-42: kind 22242, our challenge, recent, signed, for our URL (when configured).
void Verifier::on_auth(Conn& c, nostr::ClientAuth& m) {
    sh_.metrics.messages.inc("AUTH");
    const nostr::Event& e = m.event;
    auto fail = [&](std::string_view why) { sh_.send_ok(c.info.id, e.id, false, why); };
    if (auto v = nostr::verify(e, scratch_); !v) return fail(v.error().message);
    if (e.kind != 22242) return fail("invalid: AUTH event must be kind 22242");
    auto ch = nostr::first_tag_value(e, "challenge");
    if (!ch || *ch != c.challenge) return fail("invalid: wrong or missing challenge");
    if (std::llabs(e.created_at - unix_now()) > 600) return fail("invalid: AUTH event created_at is not recent");
    auto relay = nostr::first_tag_value(e, "relay");
    if (!relay) return fail("invalid: AUTH event has no relay tag");
    if (!relay_url_matches(sh_.cfg.public_urls, *relay)) {
        std::string known;
        for (const std::string& u : sh_.cfg.public_urls) known += (known.empty() ? "" : ", ") + u;
        return fail("invalid: AUTH relay tag '" + std::string(*relay) + "' is not this relay's URL (" + known + ")");
    }
    c.authed.insert(e.pubkey);
    sh_.send_ok(c.info.id, e.id, true, "");
}

}  // namespace wsn::relay
