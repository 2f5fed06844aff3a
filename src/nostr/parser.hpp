#pragma once
// Strict simdjson parsing of NIP-01 events, filters and messages. A Parser owns
// its simdjson buffers and is reused across calls (the relay keeps one per thread);
// it is not thread-safe. Every Error message starts with a NIP-01 machine-readable
// prefix ("invalid: ...") followed by a human reason. Parsing checks structure
// and ranges only; the id and signature are checked by verify() (event.hpp).
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "nostr/event.hpp"
#include "nostr/filter.hpp"
#include "nostr/limits.hpp"
#include "nostr/message.hpp"
#include "util/result.hpp"

namespace wsn::nostr {

// What the relay needs to answer a rejected client message the NIP-01 way:
// OK false for an EVENT whose id was readable, CLOSED for a REQ/COUNT whose
// subscription id was readable, otherwise NOTICE.
struct ErrorContext {
    enum class Command { unknown, event, req, close, count, auth, neg };  // neg: NEG-OPEN, NEG-MSG, NEG-CLOSE
    Command command = Command::unknown;
    std::optional<Id> event_id;
    std::optional<std::string> sub_id;
};

class Parser {
public:
    explicit Parser(Limits limits = {});
    ~Parser();
    Parser(Parser&&) noexcept;
    Parser& operator=(Parser&&) noexcept;

    const Limits& limits() const { return limits_; }

    Result<Event> parse_event(std::string_view json);
    Result<Filter> parse_filter(std::string_view json);
    Result<ClientMessage> parse_client_message(std::string_view json);
    Result<RelayMessage> parse_relay_message(std::string_view json);

    // Filled by the last parse_client_message that failed.
    const ErrorContext& error_context() const { return context_; }

private:
    struct Impl;
    Limits limits_;
    std::unique_ptr<Impl> impl_;
    ErrorContext context_;
};

}  // namespace wsn::nostr
