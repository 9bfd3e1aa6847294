// Role: the per-lock state machine of the nuki driver, pure (no I/O, no host, no clock). It
// turns each state the bridge reports into what Hearth must hear: the mapped state, lock_alarm
// on a jam, lock_operation for operations Hearth did not start (keypad, app, manual), and the
// verdicts on the command in progress that its target state cannot express (a jam fails it; an
// unlatch seen as unlatching -> unlocked completes it). Reaching the target itself is judged by
// kit::pending_commands from the reported state, never optimistically.
#pragma once

#include "nuki_model.hpp"

#include <hearth/driver.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace hearth::nuki {

/// What one reported snapshot means for Hearth.
struct tracker_output {
    json state;                ///< full state to report
    std::vector<json> events;  ///< events to report, in order
    /// Settles the command in progress beyond its target: (status, message).
    std::optional<std::pair<hearth::status, std::string>> verdict;
};

class lock_tracker {
public:
    explicit lock_tracker(bool with_door) : with_door_(with_door) {}

    /// Applies a state reported by the bridge (callback, /list or /lockState).
    tracker_output apply(const lock_snapshot& s);

    /// A command ("lock", "unlock", "unlatch") with `id` is in progress from now on.
    void begin(std::uint64_t id, std::string command);
    /// The command in progress ended (completed, failed or timed out).
    void end() { id_ = 0; }

    /// The command in progress, 0 when none.
    [[nodiscard]] std::uint64_t command_id() const { return id_; }
    /// The last reported lock_state ("" before the first report).
    [[nodiscard]] const std::string& lock_state() const { return lock_state_; }

private:
    bool with_door_;
    std::string lock_state_;
    std::string last_settled_;  ///< last locked/unlocked/unlatched seen
    std::uint64_t id_ = 0;
    std::string command_;
    bool moved_ = false;  ///< a transitional state (locking/unlocking) was seen since it began
};

}  // namespace hearth::nuki
