// Role: the per-lock state machine of the nuki driver, pure (no I/O, no host, no clock). It
// turns each state the bridge reports into what Hearth must hear: the mapped state, lock_alarm
// on a jam, lock_operation for operations Hearth did not start (keypad, app, manual), and the
// completion of the pending remote command once the *reported* state reaches its target (never
// optimistically). Remote operations get their lock_operation event from the core, not here.
#pragma once

#include "nuki_model.hpp"

#include <hearth/driver.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hearth::nuki {

/// A lock/unlock/unlatch command waiting for the lock to reach `target`.
struct pending_command {
    std::uint64_t id = 0;
    std::string command;  ///< "lock", "unlock" or "unlatch"
    std::string target;   ///< target_state(command)
    bool moved = false;   ///< a transitional state (locking/unlocking) was seen since it began
};

/// How a pending command ended.
struct completion {
    std::uint64_t id = 0;
    hearth::status code = hearth::status::ok;
    std::string message;
};

/// What one reported snapshot means for Hearth.
struct tracker_output {
    json state;                      ///< full state to report
    std::vector<json> events;        ///< events to report, in order
    std::optional<completion> done;  ///< the pending command ended
};

class lock_tracker {
public:
    explicit lock_tracker(bool with_door) : with_door_(with_door) {}

    /// Applies a state reported by the bridge (callback, /list or /lockState).
    tracker_output apply(const lock_snapshot& s);

    /// Starts waiting for `cmd.target`. Precondition: !busy().
    void begin(pending_command cmd);

    /// Ends the pending command with `code` (timeout, bridge error, stop); nullopt if none.
    std::optional<completion> finish(hearth::status code, std::string message);

    [[nodiscard]] bool busy() const { return pending_.has_value(); }
    [[nodiscard]] const std::optional<pending_command>& pending() const { return pending_; }
    /// The last reported lock_state ("" before the first report).
    [[nodiscard]] const std::string& lock_state() const { return lock_state_; }
    [[nodiscard]] bool with_door() const { return with_door_; }

private:
    bool with_door_;
    std::string lock_state_;
    std::string last_settled_;  ///< last locked/unlocked/unlatched seen
    std::optional<pending_command> pending_;
};

}  // namespace hearth::nuki
