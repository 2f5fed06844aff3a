#pragma once
// The relay's own address announcement ([announce], docs/discovery.md): what it
// announces, read from the config and the bound listeners, and the last one it signed,
// read from its store. The signing and publishing thread is net::Announcer.
#include <optional>
#include <string>
#include <vector>

#include "crypto/keys.hpp"
#include "nostr/event.hpp"
#include "relay/config.hpp"
#include "store/store.hpp"
#include "util/result.hpp"
#include "wsn/net/announcer.hpp"

namespace wsn::relay {

// True when [announce] asks for announcing (directories, addresses or onion set).
bool announcing(const Config& cfg);

// The announcer's options for `key` from [announce]; the listener addresses stand in
// for announce.addresses when it is unset. Errors name the key ("announce.onion: ...").
[[nodiscard]] Result<net::AnnouncerOptions> announcer_options(const Config& cfg, const crypto::SecretKey& key,
                                                              const std::vector<std::string>& listener_addresses);

// The newest kind-11111 event of `key` in the store.
std::optional<nostr::Event> stored_announcement(const store::Store& store, const crypto::XOnlyPubkey& key);

}  // namespace wsn::relay
