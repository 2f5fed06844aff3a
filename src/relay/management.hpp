#pragma once
// The NIP-86 management API's methods over the moderation state: one JSON-RPC-like call
// ({"method": ..., "params": [...]}) in, its answer and what changed out. Pure: the HTTP
// route (http_routes.cpp) checks the NIP-98 authorization, keeps the new state in the
// store and hands it to the verifiers.
#include <optional>
#include <string>
#include <string_view>

#include "relay/moderation.hpp"

namespace wsn::relay {

inline constexpr std::string_view kManagementContentType = "application/nostr+json+rpc";

struct ManagementCall {
    std::string response;               // {"result": ...} or {"result": null, "error": "..."}
    std::optional<Moderation> changed;  // the new state, when the call changed it
    std::optional<std::string> banned_event;  // id (hex) banned by this call: to delete from the store
};

ManagementCall call_management(const Moderation& now, std::string_view body);

}  // namespace wsn::relay
