// The miner's working set (internal to routine_miner): the actions and triggers derived from the
// compact rows, as time-ordered occurrences of interned keys, and the two finders that read it.
#pragma once

#include "proactive/routine_miner.hpp"

#include <cstdint>
#include <vector>

namespace hearth::proactive::detail {

/// One occurrence of an action or trigger key (8 bytes: the bulk of the miner's memory).
struct occurrence {
    std::int32_t t = 0;     ///< seconds since timeline::from_s
    std::uint32_t key = 0;  ///< index into timeline::actions or timeline::triggers
};

/// Everything the finders need, derived once by routine_miner::finish().
struct timeline {
    std::vector<action_key> actions;            ///< by key id
    std::vector<trigger_key> triggers;          ///< by key id
    std::vector<std::uint16_t> action_device;   ///< by action key id: the device's string_pool id
    std::vector<std::uint16_t> trigger_device;  ///< by trigger key id
    std::vector<occurrence> action_occ;         ///< time-ordered
    std::vector<occurrence> trigger_occ;        ///< time-ordered
    std::vector<std::int64_t> device_first_s;   ///< first record of each device in the window (by pool id)
    std::int64_t from_s = 0, to_s = 0;          ///< to_s - from_s fits an int32
    /// Seconds since the epoch of `o`.
    [[nodiscard]] std::int64_t seconds(const occurrence& o) const { return from_s + o.t; }
};

/// Time routines of every action (docs/proactive.md, "Routine mining").
std::vector<time_routine> find_time_routines(const timeline& line, const miner_options& options);

/// Sequences trigger → action (docs/proactive.md, "Routine mining").
std::vector<sequence_routine> find_sequences(const timeline& line, const miner_options& options);

}  // namespace hearth::proactive::detail
