// Role: implementation of the per-lock state machine (see lock_tracker.hpp).
#include "lock_tracker.hpp"

namespace hearth::nuki {

namespace {

bool settled(const std::string& s) { return s == "locked" || s == "unlocked" || s == "unlatched"; }

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

    if (id_ != 0) {
        if (now == "locking" || now == "unlocking") moved_ = true;
        if (now == "jammed") {
            out.verdict = {hearth::status::device_error,
                           "the lock reported 'motor blocked' (jammed) during " + command_};
        } else if (command_ == "unlatch" && now == "unlocked" && moved_) {
            // An unlatched lock falls back to unlocked after a few seconds: a poll may miss
            // "unlatched", but unlatching followed by unlocked is a completed unlatch.
            out.verdict = {hearth::status::ok, ""};
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

void lock_tracker::begin(std::uint64_t id, std::string command) {
    id_ = id;
    command_ = std::move(command);
    moved_ = false;
}

}  // namespace hearth::nuki
