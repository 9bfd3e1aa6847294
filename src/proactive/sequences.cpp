// Sequences (miner_timeline.hpp): for every trigger occurrence, the distinct actions on other
// devices within the window after it; a pair that follows often, on most of the trigger's
// occurrences, and far more often than the action's base rate becomes a sequence routine.
#include "proactive/miner_timeline.hpp"

#include <algorithm>
#include <tuple>
#include <unordered_map>

namespace hearth::proactive::detail {

namespace {

constexpr std::size_t max_pairs = 1'000'000;  // memory bound of the pair counts (≈ 40 MiB worst case)

std::uint64_t pair_key(std::uint32_t trigger, std::uint32_t action) {
    return (static_cast<std::uint64_t>(trigger) << 32U) | action;
}

/// Calls `each(action occurrence)` for the first occurrence of every distinct action on another
/// device within [t, t + window] of trigger occurrence `trigger`; `first` is kept for the next call.
template <typename Each>
void actions_after(const timeline& line, const occurrence& trigger, int window_s, std::size_t& first,
                   std::vector<std::uint32_t>& seen, Each each) {
    while (first < line.action_occ.size() && line.action_occ[first].t < trigger.t) ++first;
    seen.clear();
    for (std::size_t k = first;
         k < line.action_occ.size() && line.action_occ[k].t <= std::int64_t{trigger.t} + window_s; ++k) {
        const auto& a = line.action_occ[k];
        if (line.action_device[a.key] == line.trigger_device[trigger.key] ||
            std::find(seen.begin(), seen.end(), a.key) != seen.end())
            continue;
        seen.push_back(a.key);
        each(a);
    }
}

/// Chance that some occurrence of each action falls in a random window of `window_s`: the length
/// of the union of [t - window, t] over its occurrences, over the span.
std::vector<double> base_rates(const timeline& line, int window_s) {
    std::vector<double> covered(line.actions.size(), 0);
    std::vector<std::int64_t> last(line.actions.size(), -1);
    std::vector<bool> any(line.actions.size(), false);
    for (const auto& a : line.action_occ) {
        covered[a.key] +=
            static_cast<double>(any[a.key] ? std::min<std::int64_t>(window_s, a.t - last[a.key]) : window_s);
        any[a.key] = true;
        last[a.key] = a.t;
    }
    const auto span = static_cast<double>(std::max<std::int64_t>(1, line.to_s - line.from_s));
    for (auto& c : covered) c = std::min(1.0, c / span);
    return covered;
}

/// Keeps one sequence per trigger device and action: the strongest (highest confidence, then
/// support; an event before a state change). Two triggers of one device that lead to the same action
/// describe the same moment (a washer's cycle_finished event and its operational_state "stopped").
void drop_redundant_triggers(std::vector<sequence_routine>& found,
                             std::unordered_map<std::uint64_t, std::size_t>& accepted) {
    auto stronger = [](const sequence_routine& a, const sequence_routine& b) {
        if (a.confidence != b.confidence) return a.confidence > b.confidence;
        if (a.support != b.support) return a.support > b.support;
        if (a.trigger.kind != b.trigger.kind) return a.trigger.kind == activity_kind::event;
        return a.trigger.name < b.trigger.name;
    };
    std::vector<bool> keep(found.size(), true);
    auto same_pair = [](const sequence_routine& a, const sequence_routine& b) {
        return a.trigger.device == b.trigger.device && a.action.device == b.action.device &&
               a.action.command == b.action.command && a.action.params == b.action.params;
    };
    for (std::size_t i = 0; i < found.size(); ++i) {
        for (std::size_t j = 0; j < found.size(); ++j) {
            if (i != j && keep[i] && keep[j] && same_pair(found[i], found[j]) && stronger(found[i], found[j]))
                keep[j] = false;
        }
    }
    std::vector<sequence_routine> kept;
    std::vector<std::size_t> new_index(found.size(), found.size());
    for (std::size_t i = 0; i < found.size(); ++i) {
        if (!keep[i]) continue;
        new_index[i] = kept.size();
        kept.push_back(std::move(found[i]));
    }
    for (auto it = accepted.begin(); it != accepted.end();) {
        if (new_index[it->second] == found.size()) {
            it = accepted.erase(it);
        } else {
            it->second = new_index[it->second];
            ++it;
        }
    }
    found = std::move(kept);
}

}  // namespace

std::vector<sequence_routine> find_sequences(const timeline& line, const miner_options& options) {
    const int window = std::max(1, options.sequence_window_s);
    std::vector<int> trigger_count(line.triggers.size(), 0);
    std::unordered_map<std::uint64_t, int> pairs;
    std::vector<std::uint32_t> seen;
    std::size_t first = 0;
    for (const auto& t : line.trigger_occ) {
        ++trigger_count[t.key];
        actions_after(line, t, window, first, seen, [&](const occurrence& a) {
            auto key = pair_key(t.key, a.key);
            if (pairs.size() < max_pairs) {
                ++pairs[key];
            } else if (auto it = pairs.find(key); it != pairs.end()) {
                ++it->second;
            }
        });
    }
    const auto rates = base_rates(line, window);

    std::vector<sequence_routine> out;
    std::unordered_map<std::uint64_t, std::size_t> accepted;
    for (const auto& [key, support] : pairs) {
        const auto trigger = static_cast<std::uint32_t>(key >> 32U);
        const auto action = static_cast<std::uint32_t>(key & 0xFFFF'FFFFU);
        const double confidence = static_cast<double>(support) / trigger_count[trigger];
        const double lift = confidence / std::max(rates[action], 1e-9);
        if (support < options.min_sequence_support || confidence < options.min_sequence_confidence ||
            lift < options.min_sequence_lift)
            continue;
        accepted.emplace(key, out.size());
        out.push_back(
            {line.triggers[trigger], line.actions[action], 0, support, trigger_count[trigger], confidence, lift, {}});
    }
    if (out.empty()) return out;
    drop_redundant_triggers(out, accepted);
    // Second pass over the accepted pairs: the longest delay and the newest examples.
    first = 0;
    const auto keep = static_cast<std::size_t>(std::max(0, options.max_examples));
    for (const auto& t : line.trigger_occ) {
        actions_after(line, t, window, first, seen, [&](const occurrence& a) {
            auto it = accepted.find(pair_key(t.key, a.key));
            if (it == accepted.end()) return;
            auto& s = out[it->second];
            s.within_s = std::max(s.within_s, static_cast<int>(a.t - t.t));
            s.examples.push_back(line.seconds(t) * 1000);
            if (s.examples.size() > 2 * keep + 16)
                s.examples.erase(s.examples.begin(), s.examples.end() - static_cast<std::ptrdiff_t>(keep));
        });
    }
    for (auto& s : out) {
        std::reverse(s.examples.begin(), s.examples.end());
        if (s.examples.size() > keep) s.examples.resize(keep);
    }
    std::sort(out.begin(), out.end(), [](const sequence_routine& a, const sequence_routine& b) {
        if (a.confidence != b.confidence) return a.confidence > b.confidence;
        if (a.support != b.support) return a.support > b.support;
        return std::tie(a.trigger.device, a.trigger.name, a.action.device, a.action.command) <
               std::tie(b.trigger.device, b.trigger.name, b.action.device, b.action.command);
    });
    return out;
}

}  // namespace hearth::proactive::detail
