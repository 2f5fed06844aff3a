// `wsn event URI... --content C [--kind K] [--tag x=v...] [--key FILE]`: signs and
// publishes an event (or publishes a ready signed event read from stdin) and prints each
// relay's OK answer as a JSON line.
#include <unistd.h>

#include <ctime>
#include <iostream>
#include <iterator>

#include <CLI/CLI.hpp>

#include "cli/client_flags.hpp"
#include "cli/client_run.hpp"
#include "cli/commands.hpp"
#include "nostr/nip19.hpp"

namespace wsn::cli {

namespace {

struct EventFlags {
    std::vector<std::string> uris;
    std::optional<std::string> content;
    uint16_t kind = 1;
    std::vector<std::string> tags;
    std::optional<int64_t> created_at;
    ConnectFlags connect;
};

constexpr size_t kMaxStdinEvent = 1024 * 1024;

// The event to publish: built and signed from the flags, or read from stdin.
Result<nostr::Event> make_event(const EventFlags& f, CLI::App& cmd, const std::optional<crypto::SecretKey>& key) {
    if (!f.content) {
        if (cmd.count("--kind") || !f.tags.empty() || f.created_at)
            return err("--kind, --tag and --created-at need --content (stdin takes a ready signed event)");
        if (isatty(STDIN_FILENO)) std::fprintf(stderr, "wsn: reading a signed event (JSON) from stdin...\n");
        std::string text;
        char buf[65536];
        size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0 && text.size() <= kMaxStdinEvent) text.append(buf, n);
        if (text.size() > kMaxStdinEvent) return err("the event on stdin is larger than 1 MiB");
        while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
        if (text.empty()) return err("no event on stdin (give --content to build one)");
        nostr::Parser parser;
        auto e = parser.parse_event(text);
        if (!e) return err("the event on stdin: " + e.error().message);
        if (auto v = nostr::verify(*e); !v) return err("the event on stdin: " + v.error().message);
        return e;
    }
    std::vector<nostr::Tag> tags;
    for (const auto& t : f.tags) {
        auto tag = parse_tag(t);
        if (!tag) return err("--tag " + tag.error().message);
        tags.push_back(std::move(*tag));
    }
    if (f.created_at && (*f.created_at < 0 || *f.created_at > nostr::kMaxCreatedAt))
        return err("--created-at is out of range");
    crypto::SecretKey signer = key ? *key : crypto::SecretKey::generate();
    if (!key)
        std::fprintf(stderr, "wsn: signing with a throwaway key %s (give --key FILE to sign as yourself)\n",
                     nostr::encode_npub(signer.xonly_pubkey()).c_str());
    return nostr::make_signed(signer, f.created_at.value_or(std::time(nullptr)), f.kind, std::move(tags), *f.content);
}

int run(const EventFlags& f, CLI::App& cmd) {
    if (auto u = parse_uris(f.uris); !u) return fail(u.error().message, exit_usage);
    auto opts = client_options(f.connect);
    if (!opts) return fail(opts.error().message, exit_usage);
    auto event = make_event(f, cmd, opts->key);
    if (!event) return fail(event.error().message, exit_usage);

    return for_each_relay(f.uris, *opts, [&](net::BlockingClient& c, const std::string& uri) {
        return publish(c, uri, *event, opts->connect_timeout);
    });
}

}  // namespace

void register_event(CLI::App& app, Dispatch& dispatch) {
    auto f = std::make_shared<EventFlags>();
    auto* c = app.add_subcommand("event", "Sign and publish an event (or publish a signed one from stdin)");
    c->add_option("uri", f->uris, "Relay URIs: wsn://npub1...@host:port, wsns://, ws://, wss://")->required();
    c->add_option("-c,--content", f->content, "The content; without it a ready signed event is read from stdin");
    c->add_option("-k,--kind", f->kind, "Event kind")->capture_default_str();
    // One value per --tag: CLI11 would otherwise split a JSON array value into several.
    c->add_option("-t,--tag", f->tags, "A tag NAME=VALUE, or a JSON array '[\"e\",\"<id>\",\"<relay>\"]' (repeatable)")
        ->allow_extra_args(false);
    c->add_option("--created-at", f->created_at, "Unix time of the event (default now)");
    add_connect_flags(*c, f->connect);
    c->get_option("--key")->description("Key file: signs the event and authenticates in the wsn handshake "
                                        "(default: a throwaway signing key, anonymous connection)");
    dispatch.on(c, [f, c] { return run(*f, *c); });
}

}  // namespace wsn::cli
