#pragma once
// Which event sequence numbers a feed has seen, and which it must still look for
// (sans-IO; feed.cpp does the reading).
//
// Sequence numbers are handed out when a row is inserted but become visible when its
// transaction commits, so seq N+1 may be read before N. A reader that only asked
// for "seq > last seen" would skip N for good. So each number skipped over becomes a
// gap, read again with the next reads until it shows up or is known never to:
//
//   wsn_next_seq() gives a transaction its xid before its first number, so the holder
//   of a gap found in a snapshot S has an xid below xmax(S) (it took its number before
//   the number above it, which S saw committed). Once a later snapshot's xmin is at or
//   above that xmax, every such transaction has ended: if the row is not there by then
//   it was rolled back, or replaced or deleted before we looked, and the gap is closed.
//
// No time limit is guessed: a gap held by a long transaction stays open exactly as
// long as that transaction. Gaps are bounded (kMaxGaps); past the bound the oldest
// are given up, counted in dropped().
#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

namespace wsn::store::pg {

class SeqTail {
public:
    static constexpr size_t kMaxGaps = 100000;

    // Starts after `last`; `present` are the seqs found in (last - window, last] by the
    // first read, whose snapshot had xmax `xmax`: the numbers missing there are gaps
    // (and the only ones: starting again forgets earlier gaps).
    void start(uint64_t last, uint64_t window, const std::vector<uint64_t>& present, uint64_t xmax);

    uint64_t last() const { return last_; }
    // The gaps to read again, ascending.
    std::vector<uint64_t> gaps() const;

    // Takes one read, from a snapshot with (xmin, xmax): `found` the gaps() that were
    // there, `above` the seqs above last() (ascending; possibly only the first of them,
    // when the read had a row limit). Every row of such a read is new to the feed.
    void apply(const std::vector<uint64_t>& found, const std::vector<uint64_t>& above, uint64_t xmin,
               uint64_t xmax);

    uint64_t dropped() const { return dropped_; }

private:
    void add_gaps(uint64_t from, uint64_t to, uint64_t xmax);  // [from, to)
    uint64_t last_ = 0;
    std::map<uint64_t, uint64_t> gaps_;  // seq -> xmax of the snapshot that found it missing
    uint64_t dropped_ = 0;
};

}  // namespace wsn::store::pg
