#pragma once
// Private kinds (auth.private_kinds, default NIP-04 DMs and NIP-59 gift wraps): such an
// event is served only to a connection authenticated (NIP-42 AUTH, or the wsn client
// key) as its author or as a pubkey it p-tags; nobody else sees it in any REQ answer,
// live feed or COUNT, whatever the filter (nostream #699 leaked exactly this).
// Sans-IO: the verifier, query worker and monitor ask these questions.
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "crypto/keys.hpp"
#include "nostr/event.hpp"
#include "nostr/filter.hpp"

namespace wsn::relay {

// The pubkeys a connection is authenticated as, sorted and unique.
using Readers = std::vector<crypto::XOnlyPubkey>;

class PrivateKinds {
public:
    explicit PrivateKinds(std::vector<uint16_t> kinds = {});

    bool is_private(uint16_t kind) const;
    const std::vector<uint16_t>& kinds() const { return kinds_; }
    // Whether readers may be sent e.
    bool visible(const nostr::Event& e, const Readers& readers) const;
    // The same for an event in compact form (nostr::to_json); only events of private
    // kinds are parsed. Text that is not an event in that form is not visible.
    bool visible_json(std::string_view compact_json, const Readers& readers) const;
    // True when every filter names kinds and all of them are private: such a REQ or
    // COUNT from an unauthenticated connection is refused with auth-required.
    bool only_private(std::span<const nostr::Filter> filters) const;

    // For COUNT by index alone: the filters narrowed to private kinds (what must be
    // taken off a plain count), and those narrowed further to the events readers may
    // see (what is added back): authors among readers, or a p tag naming one.
    std::vector<nostr::Filter> private_part(std::span<const nostr::Filter> filters) const;
    std::vector<nostr::Filter> visible_part(std::span<const nostr::Filter> filters, const Readers& readers) const;

private:
    std::vector<uint16_t> kinds_;  // sorted, unique
};

}  // namespace wsn::relay
