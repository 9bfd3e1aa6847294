// Suggestions from mined routines (docs/proactive.md, "Suggestions"): each safe finding becomes a
// ready automation in the scene-file format with one English sentence and the evidence it rests
// on. Never an unlock, never a lock or camera privacy setting, never disabling an alarm.
#pragma once

#include "core/device_model.hpp"
#include "proactive/routine_miner.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hearth::proactive {

struct suggestion {
    std::string
        id;  ///< "r-" + 10 hex of a hash of the routine's key: stable across runs (rejections are remembered by id)
    std::string kind;           ///< "time" | "sequence"
    std::string sentence;       ///< English, e.g. "Turn on Porch light at about 18:40 on weekdays: ..."
    nlohmann::json scene_file;  ///< {"description", "automations": [one automation, id = this id]}
    nlohmann::json evidence;    ///< support, confidence, class days, lift, examples (ISO local), kinds used
};

/// Suggestions for the mined routines, safest first filtered: never an unlock, never a command on
/// a lock or camera (privacy), never disabling an alarm/security property; routines already done
/// by an automation (commands with source "rule") are not mined in the first place. Each scene
/// file is checked with rules::load_scene_sources and the devices: one that fails is dropped.
/// Ordered by kind (time first), then confidence and support, highest first; ids are unique.
std::vector<suggestion> make_suggestions(const mined_routines& found,
                                         const std::map<std::string, device_descriptor>& devices);

/// Why a command may not be suggested (nullopt when it may).
std::optional<std::string> unsafe_to_suggest(const device_descriptor& device, const action_key& action);

}  // namespace hearth::proactive
