#pragma once
// The two sides of `wsn sync`: a local store or a relay. Each can list what it holds for a
// filter, hand over events by id, and take events, under its own rules: the store applies
// what `wsn import` applies (relay/accept.hpp), a relay answers OK for each EVENT and
// enforces its own rules (private kinds, vanish requests, limits) as for any client.
//
// A relay is reconciled with NIP-77 against a set held here (sync_reconcile.hpp); the
// sides only move ids and events.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "nostr/event.hpp"
#include "nostr/filter.hpp"
#include "relay/moderation.hpp"
#include "nostr/parser.hpp"
#include "negentropy/items.hpp"
#include "relay/config.hpp"
#include "store/store.hpp"
#include "util/result.hpp"
#include "wsn/net/client.hpp"

namespace wsn::cli {

// What a side did with events handed to it, and why it refused some.
struct Taken {
    uint64_t accepted = 0;                    // stored (or already there)
    uint64_t refused = 0;
    std::map<std::string, uint64_t> reasons;  // refusal message -> how many
    void refuse(const std::string& why) {
        ++refused;
        ++reasons[why];
    }
};

using EventSink = std::function<void(nostr::Event&&)>;

class Side {
public:
    virtual ~Side() = default;
    virtual const std::string& name() const = 0;
    // Sends the events with these ids (those it has and will give) to `sink`.
    virtual Status get(std::span<const nostr::Id> ids, const EventSink& sink) = 0;
    // Takes the events (each verified by whoever fetched it); counts into `taken`.
    virtual Status put(std::vector<nostr::Event> events, Taken& taken) = 0;
};

// A store opened by the data-command flags, with the relay's config for the accept rules.
class StoreSide : public Side {
public:
    StoreSide(std::unique_ptr<store::Store> db, relay::Config cfg, std::string name);
    const std::string& name() const override { return name_; }
    // (created_at, id) of every stored event matching the filter.
    negentropy::ItemSet items(const nostr::Filter& filter) const;
    Status get(std::span<const nostr::Id> ids, const EventSink& sink) override;
    Status put(std::vector<nostr::Event> events, Taken& taken) override;

private:
    std::unique_ptr<store::Store> db_;
    relay::Config cfg_;
    relay::Moderation moderation_;  // the store's own, as the relay on it applies
    std::string name_;
    nostr::Parser parser_;
};

// One connection to a relay.
class RelaySide : public Side {
public:
    RelaySide(net::BlockingClient client, std::string uri, std::chrono::milliseconds timeout);
    const std::string& name() const override { return uri_; }
    // NIP-77 with `ours` as the initiator's set; `on_round` after each answer (for progress).
    struct Diff {
        std::vector<nostr::Id> have;  // in ours only
        std::vector<nostr::Id> need;  // at the relay only
    };
    Result<Diff> reconcile(const negentropy::ItemSet& ours, const nostr::Filter& filter,
                           const std::function<void(const Diff&)>& on_round);
    Status get(std::span<const nostr::Id> ids, const EventSink& sink) override;
    Status put(std::vector<nostr::Event> events, Taken& taken) override;

private:
    // The next message from the relay; an Error when the connection ended or it went quiet.
    Result<nostr::RelayMessage> next();
    Status send(std::string text);

    net::BlockingClient client_;
    std::string uri_;
    std::chrono::milliseconds timeout_;
    nostr::Parser parser_;
    uint64_t subs_ = 0;  // subscription ids used so far
};

// Ids in `a` and not in `b` (both any order); the result is sorted.
std::vector<nostr::Id> ids_missing(std::vector<nostr::Id> a, std::vector<nostr::Id> b);

}  // namespace wsn::cli
