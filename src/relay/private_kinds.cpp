#include "relay/private_kinds.hpp"

#include <algorithm>
#include <charconv>

#include "nostr/parser.hpp"

namespace wsn::relay {

namespace {

// The kind of a compact-form event, read from its fixed place after created_at.
std::optional<uint16_t> compact_kind(std::string_view j) {
    constexpr std::string_view kKind = ",\"kind\":";
    // {"id":"<64>","pubkey":"<64>","created_at":N,"kind":K: the first match after the pubkey
    size_t at = j.find(kKind, 147);
    if (at == std::string_view::npos) return std::nullopt;
    const char* p = j.data() + at + kKind.size();
    uint16_t k = 0;
    auto r = std::from_chars(p, j.data() + j.size(), k);
    if (r.ec != std::errc()) return std::nullopt;
    return k;
}

bool reads(const Readers& readers, const crypto::XOnlyPubkey& k) {
    return std::binary_search(readers.begin(), readers.end(), k);
}

}  // namespace

PrivateKinds::PrivateKinds(std::vector<uint16_t> kinds) : kinds_(std::move(kinds)) {
    std::sort(kinds_.begin(), kinds_.end());
    kinds_.erase(std::unique(kinds_.begin(), kinds_.end()), kinds_.end());
}

bool PrivateKinds::is_private(uint16_t kind) const { return std::binary_search(kinds_.begin(), kinds_.end(), kind); }

bool PrivateKinds::visible(const nostr::Event& e, const Readers& readers) const {
    if (!is_private(e.kind)) return true;
    if (reads(readers, e.pubkey)) return true;
    for (const nostr::Tag& t : e.tags) {
        if (t.size() < 2 || t[0] != "p") continue;
        if (auto k = crypto::parse_xonly_hex(t[1]); k && reads(readers, *k)) return true;
    }
    return false;
}

bool PrivateKinds::visible_json(std::string_view j, const Readers& readers) const {
    if (kinds_.empty()) return true;
    auto kind = compact_kind(j);
    if (!kind) return false;
    if (!is_private(*kind)) return true;
    if (readers.empty()) return false;
    thread_local nostr::Parser parser;  // stored events are valid: no limits apply
    auto e = parser.parse_event(j);
    return e && visible(*e, readers);
}

bool PrivateKinds::only_private(std::span<const nostr::Filter> filters) const {
    if (kinds_.empty() || filters.empty()) return false;
    for (const nostr::Filter& f : filters) {
        if (!f.kinds || f.kinds->empty()) return false;
        for (uint16_t k : *f.kinds)
            if (!is_private(k)) return false;
    }
    return true;
}

std::vector<nostr::Filter> PrivateKinds::private_part(std::span<const nostr::Filter> filters) const {
    std::vector<nostr::Filter> out;
    for (const nostr::Filter& f : filters) {
        std::vector<uint16_t> kinds;
        if (!f.kinds) kinds = kinds_;
        else
            std::set_intersection(f.kinds->begin(), f.kinds->end(), kinds_.begin(), kinds_.end(),
                                  std::back_inserter(kinds));
        if (kinds.empty()) continue;
        nostr::Filter g = f;
        g.kinds = std::move(kinds);
        out.push_back(std::move(g));
    }
    return out;
}

std::vector<nostr::Filter> PrivateKinds::visible_part(std::span<const nostr::Filter> filters,
                                                      const Readers& readers) const {
    std::vector<nostr::Filter> out;
    if (readers.empty()) return out;
    std::vector<std::string> reader_hex;
    for (const auto& r : readers) reader_hex.push_back(r.hex());
    std::sort(reader_hex.begin(), reader_hex.end());
    for (const nostr::Filter& f : private_part(filters)) {
        nostr::Filter by_author = f;
        std::vector<crypto::XOnlyPubkey> authors;
        if (!f.authors) authors = readers;
        else
            std::set_intersection(f.authors->begin(), f.authors->end(), readers.begin(), readers.end(),
                                  std::back_inserter(authors));
        if (!authors.empty()) {
            by_author.authors = std::move(authors);
            out.push_back(std::move(by_author));
        }
        nostr::Filter to_reader = f;
        std::vector<std::string> ps;
        if (const nostr::TagFilter* p = f.tag('p'))
            std::set_intersection(p->values.begin(), p->values.end(), reader_hex.begin(), reader_hex.end(),
                                  std::back_inserter(ps));
        else ps = reader_hex;
        if (ps.empty()) continue;
        std::erase_if(to_reader.tags, [](const nostr::TagFilter& t) { return t.name == 'p'; });
        to_reader.tags.push_back(nostr::TagFilter{'p', std::move(ps)});
        to_reader.normalize();
        out.push_back(std::move(to_reader));
    }
    return out;
}

}  // namespace wsn::relay
