#include "negentropy/message.hpp"

#include <algorithm>
#include <cassert>
#include <string>

#include "negentropy/varint.hpp"

namespace wsn::negentropy {

namespace {

std::string hex_byte(uint8_t b) {
    const char* digits = "0123456789abcdef";
    return std::string("0x") + digits[b >> 4] + digits[b & 15];
}

// Reads bounds, turning the timestamp deltas back into timestamps.
class BoundReader {
public:
    Result<Bound> read(std::span<const uint8_t>& in) {
        auto ts = read_varint(in);
        if (!ts) return err("bound timestamp: " + ts.error().message);
        Bound b;
        if (*ts == 0 || last_ == kInfinity) {
            b.created_at = kInfinity;  // past infinity every bound is infinity (as the reference reads it)
        } else {
            uint64_t delta = *ts - 1;
            if (delta >= kInfinity - last_) return err("bound timestamp overflows 64 bits");
            b.created_at = last_ + delta;
        }
        last_ = b.created_at;
        auto len = read_varint(in);
        if (!len) return err("bound prefix length: " + len.error().message);
        if (*len > b.prefix.size()) return err("bound id prefix of " + std::to_string(*len) + " bytes (at most 32)");
        if (in.size() < *len) return err("truncated bound id prefix");
        b.prefix_len = static_cast<uint8_t>(*len);
        std::copy_n(in.begin(), *len, b.prefix.begin());
        in = in.subspan(*len);
        return b;
    }

private:
    uint64_t last_ = 0;
};

Status read_payload(Range& r, std::span<const uint8_t>& in) {
    switch (r.mode) {
        case Mode::skip:
            return Ok{};
        case Mode::fingerprint:
            if (in.size() < r.fingerprint.size()) return err("truncated fingerprint");
            std::copy_n(in.begin(), r.fingerprint.size(), r.fingerprint.begin());
            in = in.subspan(r.fingerprint.size());
            return Ok{};
        case Mode::id_list: {
            auto count = read_varint(in);
            if (!count) return err("id list count: " + count.error().message);
            if (*count > in.size() / 32) return err("id list of " + std::to_string(*count) + " ids is longer than the message");
            r.ids.resize(*count);
            for (auto& id : r.ids) {
                std::copy_n(in.begin(), 32, id.begin());
                in = in.subspan(32);
            }
            return Ok{};
        }
    }
    return err("unknown mode");
}

}  // namespace

Result<Message> parse_message(std::span<const uint8_t> in, size_t max_size) {
    if (in.empty()) return err("empty negentropy message");
    if (in.size() > max_size)
        return err("negentropy message of " + std::to_string(in.size()) + " bytes (at most " + std::to_string(max_size) + ")");
    Message m;
    m.version = in[0];
    if (m.version < 0x60 || m.version > 0x6f) return err("not a negentropy message (version byte " + hex_byte(m.version) + ")");
    if (m.version != kVersion) return m;
    in = in.subspan(1);
    BoundReader bounds;
    while (!in.empty()) {
        Range r;
        auto b = bounds.read(in);
        if (!b) return b.error();
        r.upper = *b;
        if (!m.ranges.empty() && r.upper < m.ranges.back().upper) return err("bounds out of order");
        auto mode = read_varint(in);
        if (!mode) return err("mode: " + mode.error().message);
        if (*mode > static_cast<uint64_t>(Mode::id_list)) return err("unknown mode " + std::to_string(*mode));
        r.mode = static_cast<Mode>(*mode);
        if (auto s = read_payload(r, in); !s) return s.error();
        m.ranges.push_back(std::move(r));
    }
    return m;
}

Encoder Encoder::message() {
    Encoder e(0);
    e.out_.push_back(static_cast<char>(kVersion));
    return e;
}

void Encoder::append(Encoder&& more) {
    out_ += more.out_;
    last_timestamp_ = more.last_timestamp_;
}

void Encoder::bound(const Bound& b) {
    if (b.created_at == kInfinity) {
        varint(0);
    } else {
        assert(b.created_at >= last_timestamp_);  // bounds go up within a message
        varint(b.created_at - last_timestamp_ + 1);
    }
    last_timestamp_ = b.created_at;
    varint(b.prefix_len);
    bytes(std::span(b.prefix).first(b.prefix_len));
}

void Encoder::mode(Mode m) { varint(static_cast<uint64_t>(m)); }

void Encoder::varint(uint64_t n) { append_varint(n, out_); }

void Encoder::bytes(std::span<const uint8_t> b) { out_.append(reinterpret_cast<const char*>(b.data()), b.size()); }

}  // namespace wsn::negentropy
