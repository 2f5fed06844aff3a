#pragma once
// One side of a negentropy reconciliation over an ItemSet: the initiator starts and
// learns which ids it has that the peer lacks (have) and which the peer has that it
// lacks (need); the responder answers each message. Sans-IO: messages in and out as bytes.
#include <set>
#include <span>
#include <string>
#include <vector>

#include "negentropy/items.hpp"
#include "negentropy/message.hpp"
#include "util/result.hpp"

namespace wsn::negentropy {

struct Limits {
    // Every message we write stays at or below this many bytes (0: unbounded). At least
    // 4096, as the reference implementations require; NIP-77 carries it hex encoded, so
    // the JSON frame is a little over twice as long.
    size_t frame_size = 60'000;
    // The longest message we read: a peer may use a larger frame size than ours.
    size_t max_message = 1'000'000;
};

struct Progress {
    std::string reply;       // the next message to send; empty when done (initiator only)
    bool done = false;       // initiator: the sets are reconciled
    std::vector<Id> have;    // initiator: ids found on our side only, new in this step
    std::vector<Id> need;    // initiator: ids found on the peer's side only, new in this step
};

class Reconciler {
public:
    // items must outlive the reconciler and stay unchanged while it runs.
    Reconciler(const ItemSet& items, Limits limits);

    // Makes this side the initiator; returns the first message. Once, before reconcile().
    std::string initiate();

    // Answers one message from the peer. Without initiate() this side is the responder.
    // An error (the message is malformed, or the peer speaks another version) ends the
    // reconciliation.
    Result<Progress> reconcile(std::span<const uint8_t> message);

private:
    bool exceeded(size_t size) const;
    // Writes ranges covering items [lower, upper) up to `upper_bound`: 16 fingerprints,
    // or when there are few, the ids themselves (responder) or one fingerprint (initiator).
    void split(size_t lower, size_t upper, const Bound& upper_bound, Encoder& o) const;

    const ItemSet& items_;
    Limits limits_;
    // A range settled in one step can come back: when a message is cut short, the closing
    // fingerprint also covers the ranges after the cut that the peer had already skipped.
    // The differences reported so far keep such a range from being reported twice.
    // (Ordered, not hashed: the peer chooses the ids.)
    std::set<Id> reported_;
    bool initiator_ = false;
    bool started_ = false;
};

}  // namespace wsn::negentropy
