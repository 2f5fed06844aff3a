// `wsn sync URI [--filter JSON] [--dir down|up|both] [--data DIR | --relay URI2] [--json]`:
// NIP-77 set reconciliation between a relay and a local store (or a second relay), then
// the missing events fetched by id and the other side's missing ones published. Each side
// keeps its own rules: a relay answers every EVENT with OK (and refuses what it refuses to
// any client), the store takes what `wsn import` takes (relay/accept.hpp).
#include <chrono>
#include <memory>
#include <optional>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "cli/client_flags.hpp"
#include "cli/commands.hpp"
#include "cli/progress.hpp"
#include "cli/store_flags.hpp"
#include "cli/sync_sides.hpp"
#include "relay/config.hpp"

namespace wsn::cli {

namespace {

struct SyncFlags {
    std::string uri;
    std::string filter = "{}";
    std::string dir = "both";
    StoreFlags store;
    std::string relay2;
    std::string config_file;  // the local store's relay config: its event rules
    bool json = false;
    ConnectFlags connect;
};

// Events moved per round: fetched from one side, then given to the other.
constexpr size_t kChunk = 500;

struct Moved {
    uint64_t wanted = 0, missing = 0;
    Taken taken;
};

// Moves the events with `ids` from `from` to `to`, kChunk at a time.
Status transfer(Side& from, Side& to, const std::vector<nostr::Id>& ids, Moved& moved, Progress& progress,
                uint64_t& done, uint64_t total) {
    moved.wanted += ids.size();
    for (size_t at = 0; at < ids.size(); at += kChunk) {
        std::span<const nostr::Id> part(ids.data() + at, std::min(kChunk, ids.size() - at));
        std::vector<nostr::Event> events;
        if (auto s = from.get(part, [&](nostr::Event&& e) { events.push_back(std::move(e)); }); !s) return s;
        moved.missing += part.size() - events.size();
        if (auto s = to.put(std::move(events), moved.taken); !s) return s;
        done += part.size();
        progress.update(done, double(done) / double(std::max<uint64_t>(total, 1)));
    }
    return Ok{};
}

void tell_refusals(const std::string& where, const Taken& t) {
    size_t shown = 0;
    for (const auto& [why, n] : t.reasons) {
        if (++shown > 10) {
            fmt::print(stderr, "wsn: {}: ... and {} more reasons\n", where, t.reasons.size() - 10);
            break;
        }
        fmt::print(stderr, "wsn: {}: refused {} event{}: {}\n", where, n, n == 1 ? "" : "s", why);
    }
}

Result<std::unique_ptr<RelaySide>> connect_relay(const std::string& uri, const net::ClientOptions& opts) {
    auto c = net::BlockingClient::connect(uri, opts);
    if (!c) return err(uri + ": " + c.error().message);
    return std::make_unique<RelaySide>(std::move(*c), uri, opts.connect_timeout);
}

int run(const SyncFlags& f, bool data_given) {
    if (f.dir != "down" && f.dir != "up" && f.dir != "both")
        return fail("--dir must be down, up or both", exit_usage);
    if (data_given && !f.relay2.empty()) return fail("give --data (or --store) or --relay, not both", exit_usage);
    auto filter = filter_from_json(f.filter);
    if (!filter) return fail("--filter: " + filter.error().message, exit_usage);
    if (filter->limit) return fail("--filter: a sync covers every matching event; drop \"limit\"", exit_usage);
    if (auto u = parse_uris({f.uri}); !u) return fail(u.error().message, exit_usage);
    if (!f.relay2.empty())
        if (auto u = parse_uris({f.relay2}); !u) return fail("--relay " + u.error().message, exit_usage);
    auto opts = client_options(f.connect);
    if (!opts) return fail(opts.error().message, exit_usage);
    relay::Config cfg;
    if (!f.config_file.empty())
        if (auto s = relay::load_config_file(f.config_file, cfg); !s) return fail(s.error().message, exit_usage);

    auto t0 = std::chrono::steady_clock::now();
    // `local` is the side named by --data/--store or --relay; `remote` is URI.
    std::unique_ptr<Side> local;
    StoreSide* store_side = nullptr;
    RelaySide* relay2 = nullptr;
    if (f.relay2.empty()) {
        auto st = open_store(f.store);
        if (!st) return fail(st.error().message);
        // Never the store URL: it may hold a password.
        std::string name = f.store.store.empty() || f.store.store == "lmdb" ? "the store in " + f.store.data_dir : "the PostgreSQL store";
        auto s = std::make_unique<StoreSide>(std::move(*st), cfg, name);
        store_side = s.get();
        local = std::move(s);
    } else {
        auto r = connect_relay(f.relay2, *opts);
        if (!r) return fail(r.error().message, exit_unreachable);
        relay2 = r->get();
        local = std::move(*r);
    }
    auto remote = connect_relay(f.uri, *opts);
    if (!remote) return fail(remote.error().message, exit_unreachable);

    RelaySide::Diff diff;
    try {
        Progress progress("differences");
        auto on_round = [&](const RelaySide::Diff& d) { progress.update(d.have.size() + d.need.size()); };
        if (store_side) {
            auto items = store_side->items(*filter);
            auto d = (*remote)->reconcile(items, *filter, on_round);
            if (!d) return fail(d.error().message);
            diff = std::move(*d);
        } else {
            // Two relays: each lists its ids (a reconciliation against an empty set), and
            // the differences are taken here. See docs/sync.md for what this costs.
            const negentropy::ItemSet none;
            auto a = (*remote)->reconcile(none, *filter, on_round);
            if (!a) return fail(a.error().message);
            auto b = relay2->reconcile(none, *filter, on_round);
            if (!b) return fail(b.error().message);
            diff.have = ids_missing(b->need, a->need);
            diff.need = ids_missing(a->need, b->need);
        }
    } catch (const store::DbError& e) {
        return fail(std::string("the local store: ") + e.what());
    }

    Moved down, up;
    const bool go_down = f.dir != "up", go_up = f.dir != "down";
    uint64_t done = 0, total = (go_down ? diff.need.size() : 0) + (go_up ? diff.have.size() : 0);
    try {
        Progress progress("events");
        if (go_down)
            if (auto s = transfer(**remote, *local, diff.need, down, progress, done, total); !s) {
                progress.clear();
                return fail(s.error().message);
            }
        if (go_up)
            if (auto s = transfer(*local, **remote, diff.have, up, progress, done, total); !s) {
                progress.clear();
                return fail(s.error().message);
            }
    } catch (const store::DbError& e) {
        return fail(std::string("the local store: ") + e.what());
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    tell_refusals(local->name(), down.taken);
    tell_refusals(f.uri, up.taken);
    const uint64_t missing = down.missing + up.missing;
    fmt::print(stderr,
               "synced {} with {} in {:.2f} s: {} here only, {} there only; fetched {} (stored {}, refused {}), "
               "published {} (accepted {}, refused {}){}\n",
               local->name(), f.uri, seconds, diff.have.size(), diff.need.size(), down.wanted - down.missing,
               down.taken.accepted, down.taken.refused, up.wanted - up.missing, up.taken.accepted, up.taken.refused,
               missing ? fmt::format("; {} not sent by their holder", missing) : "");
    if (f.json)
        fmt::print("{{\"have\":{},\"need\":{},\"transferred\":{},\"refused\":{},\"seconds\":{:.3f}}}\n",
                   diff.have.size(), diff.need.size(), down.taken.accepted + up.taken.accepted,
                   down.taken.refused + up.taken.refused + missing, seconds);
    return down.taken.refused + up.taken.refused + missing ? exit_refused : exit_ok;
}

}  // namespace

void register_sync(CLI::App& app, Dispatch& dispatch) {
    auto f = std::make_shared<SyncFlags>();
    auto* c = app.add_subcommand("sync", "Reconcile a local store (or a second relay) with a relay (NIP-77) and "
                                         "move the missing events");
    c->add_option("uri", f->uri, "The relay: wsn://npub1...@host:port, wsns://, ws://, wss://")->required();
    c->add_option("--filter", f->filter, "NIP-01 filter (JSON) of the events to sync, without limit")
        ->capture_default_str();
    c->add_option("--dir", f->dir, "down: fetch what the relay has; up: publish what it lacks; both")
        ->capture_default_str();
    add_store_flags(*c, f->store);
    c->add_option("--relay", f->relay2, "Sync this second relay with URI instead of a local store");
    c->add_option("--config", f->config_file,
                  "The local store's relay configuration: its limits and event rules apply to what is fetched");
    c->add_flag("--json", f->json, "Print a one-line JSON summary: have, need, transferred, refused, seconds");
    add_connect_flags(*c, f->connect);
    dispatch.on(c, [f, c] { return run(*f, c->count("--data") + c->count("--store") > 0); });
}

}  // namespace wsn::cli
