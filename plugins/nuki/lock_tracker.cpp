// Role: implementation of the per-lock state machine (see lock_tracker.hpp).
#include "lock_tracker.hpp"

#include <utility>

namespace hearth::nuki {

namespace {

bool settled(const std::string& s) { return s == "locked" || s == "unlocked" || s == "unlatched"; }
bool moving(const std::string& s) { return s == "locking" || s == "unlocking"; }

std::string operation_for(const std::string& settled_state) {
    if (settled_state == "locked") return "lock";
    if (settled_state == "unlatched") return "unlatch";
    return "unlock";
}

}  // namespace

tracker_output lock_tracker::apply(const lock_snapshot& s) {
    tracker_output out;
    const std::string now = map_lock_state(s.state);
    const std::string previous = std::exchange(lock_state_, now);
    out.state = state_json(s, with_door_);

    if (now == "jammed" && previous != "jammed")
        out.events.push_back({{"event_type", "lock_alarm"}, {"alarm", "jammed"}});

    if (pending_) {
        if (moving(now)) pending_->moved = true;
        if (now == "jammed") {
            out.done = finish(hearth::status::device_error,
                              "the lock reported 'motor blocked' (jammed) during " + pending_->command);
        } else if (now == pending_->target ||
                   // An unlatched lock falls back to unlocked after a few seconds: a poll may miss
                   // "unlatched", but unlatching followed by unlocked is a completed unlatch.
                   (pending_->command == "unlatch" && now == "unlocked" && pending_->moved)) {
            out.done = finish(hearth::status::ok, {});
        }
    } else if (settled(now) && settled(last_settled_) && now != last_settled_ &&
               !(last_settled_ == "unlatched" && now == "unlocked")) {
        // Not started by Hearth: keypad, app, fob, the knob, or the lock's own auto-lock.
        out.events.push_back({{"event_type", "lock_operation"},
                              {"operation", operation_for(now)},
                              {"source", "device"},
                              {"result", "success"}});
    }
    if (settled(now)) last_settled_ = now;
    return out;
}

void lock_tracker::begin(pending_command cmd) { pending_ = std::move(cmd); }

std::optional<completion> lock_tracker::finish(hearth::status code, std::string message) {
    if (!pending_) return std::nullopt;
    completion c{pending_->id, code, std::move(message)};
    pending_.reset();
    return c;
}

}  // namespace hearth::nuki
