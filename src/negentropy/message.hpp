#pragma once
// Negentropy protocol version 1 messages: a version byte (0x61), then ranges, each an
// upper bound, a mode and its payload. A range starts where the previous one ended (the
// first at 0); after the last range the rest is implicitly skipped.
//   bound:  varint(timestamp) varint(prefix length) prefix
//           timestamp: 0 for infinity, else 1 + (its value - the previous bound's)
//   Skip 0 | Fingerprint 1, 16 bytes | IdList 2, varint(count), count * 32 bytes
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "negentropy/items.hpp"
#include "util/result.hpp"

namespace wsn::negentropy {

inline constexpr uint8_t kVersion = 0x61;

enum class Mode : uint64_t { skip = 0, fingerprint = 1, id_list = 2 };

struct Range {
    Bound upper;
    Mode mode = Mode::skip;
    Fingerprint fingerprint{};  // Mode::fingerprint
    std::vector<Id> ids;        // Mode::id_list
};

struct Message {
    uint8_t version = kVersion;
    std::vector<Range> ranges;  // empty unless version is kVersion
};

// Parses a whole message before anything acts on it. A version byte of 0x60..0x6F other
// than ours gives a Message of that version and no ranges (the peer may propose versions
// we do not speak); anything else wrong is an error naming it: an empty or oversize
// message, a version byte outside 0x60..0x6F, a truncated or oversize varint, a bound
// prefix above 32 bytes, bounds out of order, an unknown mode, a short payload.
Result<Message> parse_message(std::span<const uint8_t> in, size_t max_size);

// Builds a message, keeping the previous bound's timestamp for the delta encoding.
class Encoder {
public:
    // A message holding the version byte.
    static Encoder message();
    // An empty continuation of this one: append() it to keep its bytes, or drop it.
    Encoder fork() const { return Encoder(last_timestamp_); }
    void append(Encoder&& more);

    void bound(const Bound& b);
    void mode(Mode m);
    void varint(uint64_t n);
    void bytes(std::span<const uint8_t> b);

    size_t size() const { return out_.size(); }
    bool empty() const { return out_.empty(); }
    std::string take() && { return std::move(out_); }

private:
    explicit Encoder(uint64_t last) : last_timestamp_(last) {}
    std::string out_;
    uint64_t last_timestamp_ = 0;
};

inline std::span<const uint8_t> as_bytes(std::string_view s) {
    return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

}  // namespace wsn::negentropy
